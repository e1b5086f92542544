using System.Globalization;
using System.Text;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Monitoring;

/// <summary>
/// The kernel's /proc/net/ip_vs* files, byte for byte as Linux 6.1 prints them (<c>ip_vs_info_seq_show</c>,
/// <c>ip_vs_stats_show</c>, <c>ip_vs_stats_percpu_show</c> in ip_vs_ctl.c, <c>ip_vs_conn_seq_show</c> in
/// ip_vs_conn.c): addresses and ports as upper-case hex in network order, counters in hex, fixed widths.
/// The layouts are checked against files captured from the real kernel (tests' KernelProcNet folder).
/// </summary>
public static class ProcNetFormat
{
    /// <summary>
    /// The persistence timeout in ip_vs is the kernel's own value, in jiffies: seconds times HZ, which is 250 in
    /// Debian's and Ubuntu's kernels (so -p 300 reads "persistent 75000").
    /// </summary>
    public const int KernelHz = 250;

    /// <summary>The connection table's hash size the kernel reports by default (<c>ip_vs_conn_tab_bits</c> = 12).</summary>
    public const int ConnectionTableSize = 4096;

    private const string StatsTitle =
        "   Total Incoming Outgoing         Incoming         Outgoing\n" +
        "   Conns  Packets  Packets            Bytes            Bytes\n";

    private const string StatsRatesTitle = " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n";

    private const string PerCpuTitle =
        "       Total Incoming Outgoing         Incoming         Outgoing\n" +
        "CPU    Conns  Packets  Packets            Bytes            Bytes\n";

    private const string PerCpuRatesTitle = "     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n";

    private const string ConnectionsTitle = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";

    /// <summary>/proc/net/ip_vs: the version line, two title lines, then each service and its real servers.</summary>
    public static string IpVs(DirectorSnapshot snapshot)
    {
        var text = new StringBuilder();
        Append(text, "IP Virtual Server version 1.2.1 (size={0})\n", ConnectionTableSize);
        text.Append("Prot LocalAddress:Port Scheduler Flags\n");
        text.Append("  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
        foreach (var service in snapshot.Services)
        {
            if (service.FirewallMark != 0)
            {
                // "FWM  %08X %s %s": the mark in place of address and port, and one space fewer after the flags.
                Append(text, "FWM  {0:X8} {1} {2}", service.FirewallMark, service.Scheduler, service.OnePacket ? "ops " : "");
            }
            else if (service.Address.IsIpv4)
            {
                // "%s  %08X:%04X %s %s " then the persistence or a bare newline: an ordinary service's line ends in two spaces.
                Append(text, "{0}  {1:X8}:{2:X4} {3} {4} ", ConnectionNames.Protocol((byte)service.Protocol),
                    service.Address.Ipv4Value, service.Port, service.Scheduler, service.OnePacket ? "ops " : "");
            }
            else
            {
                // An IPv6 service is "%s  [%pI6]:%04X %s " (no ops field: the kernel prints it only for IPv4).
                Append(text, "{0}  [{1}]:{2:X4} {3} ", ConnectionNames.Protocol((byte)service.Protocol),
                    FullIpv6(service.Address), service.Port, service.Scheduler);
            }
            if (service.PersistenceTimeout is { } timeout)
            {
                // An IPv6 service's netmask field holds the prefix length in host order, which ntohl then swaps
                // (Linux 6.1 prints a /64 as 40000000).
                Append(text, "persistent {0} {1:X8}\n", unchecked(timeout * KernelHz),
                    service.Address.IsIpv4 ? service.PersistenceMask.Value : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(service.PersistenceMask.Value));
            }
            else
            {
                text.Append('\n');
            }
            foreach (var destination in service.Destinations)
            {
                if (destination.Address.IsIpv4)
                {
                    Append(text, "  -> {0:X8}:{1:X4}      {2,-7} {3,-6} {4,-10} {5,-10}\n", destination.Address.Ipv4Value, destination.Port,
                        MethodName(destination.Method), destination.Weight, destination.ActiveConnections, destination.InactiveConnections);
                }
                else
                {
                    Append(text, "  -> [{0}]:{1:X4}      {2,-7} {3,-6} {4,-10} {5,-10}\n", FullIpv6(destination.Address), destination.Port,
                        MethodName(destination.Method), destination.Weight, destination.ActiveConnections, destination.InactiveConnections);
                }
            }
        }
        return text.ToString();
    }

    /// <summary>/proc/net/ip_vs_stats: the totals, a blank line, then their estimated rates.</summary>
    public static string IpVsStats(DirectorSnapshot snapshot)
    {
        var text = new StringBuilder(StatsTitle);
        AppendFigures(text, snapshot.Totals);
        text.Append("\n\n");
        text.Append(StatsRatesTitle);
        AppendRates(text, snapshot.TotalRates);
        text.Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// /proc/net/ip_vs_stats_percpu: one row per CPU, the total ("~"), then the rates. The engine is one thread,
    /// so the director is a machine with one possible CPU: row 0 holds everything.
    /// </summary>
    public static string IpVsStatsPerCpu(DirectorSnapshot snapshot)
    {
        var text = new StringBuilder(PerCpuTitle);
        Append(text, "{0,3:X} ", 0);
        AppendFigures(text, snapshot.Totals);
        text.Append("\n  ~ ");
        AppendFigures(text, snapshot.Totals);
        text.Append("\n\n");
        text.Append(PerCpuRatesTitle);
        text.Append("    ");
        AppendRates(text, snapshot.TotalRates);
        text.Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// /proc/net/ip_vs_conn: the title, then one line per connection entry (templates included), no persistence-engine
    /// data: "%-3s %08X %04X %08X %04X %08X %04X %-11s %7u". Written a character at a time, since a table may hold a
    /// million entries and this runs every second.
    /// </summary>
    public static string IpVsConn(ReadOnlySpan<ConnectionRow> rows)
    {
        var text = new StringBuilder(ConnectionsTitle.Length + (rows.Length * 72));
        text.Append(ConnectionsTitle);
        foreach (ref readonly var row in rows)
        {
            AppendPadded(text, ConnectionNames.Protocol(row.Protocol), 3);
            text.Append(' ');
            AppendAddress(text, row.ClientAddress).Append(' ');
            AppendHex(text, row.ClientPort, 4).Append(' ');
            AppendAddress(text, row.VirtualAddress).Append(' ');
            AppendHex(text, row.VirtualPort, 4).Append(' ');
            AppendAddress(text, row.DestinationAddress).Append(' ');
            AppendHex(text, row.DestinationPort, 4).Append(' ');
            AppendPadded(text, ConnectionNames.State(row.Protocol, row.State, row.IsTemplate), 11);
            text.Append(' ');
            var seconds = row.SecondsLeft.ToString(CultureInfo.InvariantCulture);
            text.Append(' ', Math.Max(0, 7 - seconds.Length)).Append(seconds).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>An address as ip_vs_conn prints it: %08X for IPv4, %pI6 (eight groups of four lower-case digits) for IPv6.</summary>
    private static StringBuilder AppendAddress(StringBuilder text, InetAddress address) =>
        address.IsIpv4 ? AppendHex(text, address.Ipv4Value, 8) : text.Append(FullIpv6(address));

    /// <summary>The kernel's %pI6: every group written out, four lower-case hex digits, no "::".</summary>
    private static string FullIpv6(InetAddress address)
    {
        Span<byte> bytes = stackalloc byte[InetAddress.Ipv6Length];
        address.WriteIpv6(bytes);
        var text = new StringBuilder(39);
        for (var group = 0; group < 8; group++)
        {
            if (group > 0)
            {
                text.Append(':');
            }
            text.Append(CultureInfo.InvariantCulture, $"{bytes[2 * group]:x2}{bytes[(2 * group) + 1]:x2}");
        }
        return text.ToString();
    }

    private static StringBuilder AppendHex(StringBuilder text, uint value, int digits)
    {
        for (var shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            text.Append("0123456789ABCDEF"[(int)((value >> shift) & 0xF)]);
        }
        return text;
    }

    /// <summary>"%-Ns": the text, then spaces up to the width (a longer text is not cut).</summary>
    private static void AppendPadded(StringBuilder text, string value, int width) =>
        text.Append(value).Append(' ', Math.Max(0, width - value.Length));

    /// <summary>As <c>ip_vs_fwd_name</c>.</summary>
    private static string MethodName(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerade => "Masq",
        ForwardingMethod.DirectRoute => "Route",
        ForwardingMethod.Tunnel => "Tunnel",
        _ => "Bypass",
    };

    /// <summary>"%8LX %8LX %8LX %16LX %16LX", without the newline.</summary>
    private static void AppendFigures(StringBuilder text, TrafficFigures figures) =>
        Append(text, "{0,8:X} {1,8:X} {2,8:X} {3,16:X} {4,16:X}", figures.Connections, figures.InPackets, figures.OutPackets,
            figures.InBytes, figures.OutBytes);

    private static void AppendRates(StringBuilder text, TrafficRates rates) =>
        Append(text, "{0,8:X} {1,8:X} {2,8:X} {3,16:X} {4,16:X}", rates.ConnectionsPerSecond, rates.InPacketsPerSecond,
            rates.OutPacketsPerSecond, rates.InBytesPerSecond, rates.OutBytesPerSecond);

    private static void Append(StringBuilder text, string format, params ReadOnlySpan<object?> arguments) =>
        text.AppendFormat(CultureInfo.InvariantCulture, format, arguments);
}
