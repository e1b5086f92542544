using System.Globalization;
using System.Text;

namespace Forwarder.Conformance.Scenarios;

/// <summary>
/// The one topology every scenario runs in, on both sides. Clients are 10.7.0.0/16 behind the director's
/// public link; every 192.168.1.x is a virtual address the director takes; real servers are
/// 192.168.139.2-254 on the private link, each with a fixed MAC (02:00:c0:a8:8b:NN), that nothing answers
/// for (the kernel's ipvsadm -Lnc, and ours, tell where a flow went). A real server's packets come from
/// one host on the private link that may spoof any real server's address. The same links carry IPv6 beside:
/// clients in 2001:db8:7::/64, virtual addresses in 2001:db8:1::/64, real servers 2001:db8:139::N for the same N
/// as 192.168.139.N (written as hex digits, so 192.168.139.129 is 2001:db8:139::129) with the same MACs.
/// </summary>
public static class GuestTopology
{
    public const string DirectorPublicMac = "02:00:0a:07:ff:fe";
    public const string DirectorPublicAddress = "10.7.255.254";
    public const string DirectorPrivateMac = "02:00:c0:a8:8b:01";
    public const string DirectorPrivateAddress = "192.168.139.1";
    public const string ClientMac = "02:00:0a:07:00:01";
    public const string ClientAddress = "10.7.0.1";
    public const string ServerHostMac = "02:00:c0:a8:8b:fa";
    public const string ServerHostAddress = "192.168.139.250";
    public const string VirtualNetwork = "192.168.1.0/24";
    public const string DirectorPublicAddress6 = "2001:db8:7::fffe";
    public const string DirectorPrivateAddress6 = "2001:db8:139::1";
    public const string ClientAddress6 = "2001:db8:7::1";
    public const string ServerHostAddress6 = "2001:db8:139::250";
    public const string VirtualNetwork6 = "2001:db8:1::/64";

    /// <summary>A real server's IPv6 address: its IPv4 last octet's decimal digits as the last group.</summary>
    public static string RealServerAddress6(int lastOctet) => string.Create(CultureInfo.InvariantCulture, $"2001:db8:139::{lastOctet}");

    public static string RealServerMac(int lastOctet) => string.Create(CultureInfo.InvariantCulture, $"02:00:c0:a8:8b:{lastOctet:x2}");

    /// <summary>Forwarder's topology file for the same director.</summary>
    public static string ForwarderTopology()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"interface eth2 {DirectorPublicMac} {DirectorPublicAddress}/16 public inet6 {DirectorPublicAddress6}/64");
        text.AppendLine(CultureInfo.InvariantCulture, $"interface eth1 {DirectorPrivateMac} {DirectorPrivateAddress}/24 private inet6 {DirectorPrivateAddress6}/64");
        foreach (var octet in RealServerOctets())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"neighbor 192.168.139.{octet} {RealServerMac(octet)} eth1");
            text.AppendLine(CultureInfo.InvariantCulture, $"neighbor {RealServerAddress6(octet)} {RealServerMac(octet)} eth1");
        }
        return text.ToString();
    }

    /// <summary>The guest's ip -batch lines that give the director the same static neighbours.</summary>
    public static string KernelNeighbours()
    {
        var text = new StringBuilder();
        foreach (var octet in RealServerOctets())
        {
            text.Append(CultureInfo.InvariantCulture, $"neigh add 192.168.139.{octet} lladdr {RealServerMac(octet)} dev srv0 nud permanent\n");
            text.Append(CultureInfo.InvariantCulture, $"neigh add {RealServerAddress6(octet)} lladdr {RealServerMac(octet)} dev srv0 nud permanent\n");
        }
        return text.ToString();
    }

    private static IEnumerable<int> RealServerOctets() => Enumerable.Range(2, 253).Where(o => o != 250);
}
