using System.Globalization;
using System.Text;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// <c>ipvsadm -L</c> in all its views (plain, --stats, --rate, --thresholds, --persistent-conn), for the
/// whole table or one service (-t/-u/--sctp-service), and <c>ipvsadm -S</c>. Pure: reads the table, returns the text.
/// </summary>
public sealed class ServiceListing
{
    private const uint FullMask = uint.MaxValue;
    private const uint FullIpv6Prefix = 128;

    private readonly INameResolver _names;
    private readonly IRateSource? _rates;

    /// <param name="names">Name lookups for listings without -n; numeric by default.</param>
    /// <param name="rates">Estimated rates for --rate; all zero when absent.</param>
    public ServiceListing(INameResolver? names = null, IRateSource? rates = null)
    {
        _names = names ?? NumericNameResolver.Instance;
        _rates = rates;
    }

    /// <summary><c>ipvsadm -L</c>: the version line, the title, then every service with its destinations.</summary>
    public string ListAll(ServiceTable table, ListingOptions options)
    {
        var text = new StringBuilder();
        Append(text, ListingFormats.VersionLine, options.ConnectionTableSize);
        AppendTitle(text, options.Detail);
        foreach (var service in ListingOrder.Services(table.Services, options.NoSort))
        {
            AppendService(text, service, options);
        }
        return text.ToString();
    }

    /// <summary><c>ipvsadm -L -t|-u VIP:PORT</c>: the title and that one service, without the version line.</summary>
    public string ListService(VirtualService service, ListingOptions options)
    {
        var text = new StringBuilder();
        AppendTitle(text, options.Detail);
        AppendService(text, service, options);
        return text.ToString();
    }

    /// <summary><c>ipvsadm -S</c> (-Sn with <see cref="ListingOptions.Numeric"/>): the -A/-a commands that rebuild the table.</summary>
    public string Save(ServiceTable table, ListingOptions options)
    {
        var text = new StringBuilder();
        foreach (var service in ListingOrder.Services(table.Services, options.NoSort))
        {
            AppendRules(text, service, options);
        }
        return text.ToString();
    }

    private static void AppendTitle(StringBuilder text, ListingDetail detail)
    {
        switch (detail)
        {
            case ListingDetail.Stats:
                Append(text, ListingFormats.NumbersTitle, ListingFormats.ServiceColumnTitle, "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
                break;
            case ListingDetail.Rate:
                Append(text, ListingFormats.NumbersTitle, ListingFormats.ServiceColumnTitle, "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
                break;
            case ListingDetail.Thresholds:
                Append(text, ListingFormats.ThresholdsTitle, ListingFormats.ServiceColumnTitle, "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
                break;
            case ListingDetail.PersistentConnections:
                Append(text, ListingFormats.PersistentConnectionsTitle, ListingFormats.ServiceColumnTitle, "Weight", "PersistConn", "ActiveConn", "InActConn");
                break;
            case ListingDetail.TunnelInfo:
                text.Append(ListingFormats.TunnelInfoTitle);
                break;
            default:
                text.Append(ListingFormats.StandardTitle);
                break;
        }
    }

    private void AppendService(StringBuilder text, VirtualService service, ListingOptions options)
    {
        // As print_service_entry: only a name of an IPv4 service (or a firewall mark) is cut to the column.
        var fullName = service.Key.IsFirewallMark
            ? Format(ListingFormats.ServiceName, ListingFormats.FirewallMarkProtocol, MarkName(service, ListingFormats.FirewallMarkIpv6Suffix))
            : Format(ListingFormats.ServiceName, ProtocolName(service.Protocol), Endpoint(service.Address, service.Port, service.Protocol, options));
        var name = service.Key.IsFirewallMark || service.Address.IsIpv4 ? EndpointNames.Cut(fullName, ListingFormats.ServiceNameWidth) : fullName;
        switch (options.Detail)
        {
            case ListingDetail.Stats:
                Append(text, ListingFormats.ServiceNumbersLead, name);
                AppendNumbers(text, options.Exact, service.Counters.Connections, service.Counters.InPackets,
                    service.Counters.OutPackets, service.Counters.InBytes, service.Counters.OutBytes);
                break;
            case ListingDetail.Rate:
                var rates = RatesOf(service.Counters);
                Append(text, ListingFormats.ServiceNumbersLead, name);
                AppendNumbers(text, options.Exact, rates.ConnectionsPerSecond, rates.InPacketsPerSecond,
                    rates.OutPacketsPerSecond, rates.InBytesPerSecond, rates.OutBytesPerSecond);
                break;
            default:
                AppendServiceDescription(text, service, name);
                break;
        }
        text.Append('\n');

        foreach (var destination in ListingOrder.Destinations(service, options.NoSort))
        {
            AppendDestination(text, service, destination, options);
        }
    }

    /// <summary>Scheduler, then " (flags)", then persistence with its mask and engine, then " ops".</summary>
    private static void AppendServiceDescription(StringBuilder text, VirtualService service, string name)
    {
        var scheduler = service.Scheduler.Name;
        Append(text, ListingFormats.ServiceSchedulerLine, name, scheduler);
        var flagBits = SchedulerFlagNames.Parse(service.SchedulerFlags);
        if (flagBits != 0)
        {
            Append(text, ListingFormats.SchedulerFlagsSuffix, SchedulerFlagNames.Describe(scheduler, flagBits));
        }
        if (service.PersistenceTimeout is { } timeout)
        {
            Append(text, ListingFormats.PersistentSuffix, unchecked((uint)timeout));
            if (HasMask(service))
            {
                Append(text, ListingFormats.MaskSuffix, MaskText(service));
            }
            if (service.PersistenceEngine.Length != 0)
            {
                Append(text, ListingFormats.PersistenceEngineSuffix, service.PersistenceEngine);
            }
        }
        if (service.OnePacket)
        {
            text.Append(ListingFormats.OnePacketSuffix);
        }
    }

    private void AppendDestination(StringBuilder text, VirtualService service, Destination destination, ListingOptions options)
    {
        var fullName = Endpoint(service, destination, options);
        var name = destination.Address.IsIpv4 ? EndpointNames.Cut(fullName, ListingFormats.DestinationNameWidth) : fullName;
        switch (options.Detail)
        {
            case ListingDetail.Stats:
                Append(text, ListingFormats.DestinationNumbersLead, name);
                AppendNumbers(text, options.Exact, destination.Counters.Connections, destination.Counters.InPackets,
                    destination.Counters.OutPackets, destination.Counters.InBytes, destination.Counters.OutBytes);
                text.Append('\n');
                break;
            case ListingDetail.Rate:
                // As ipvsadm: a destination's CPS and PPS are plain numbers, only its BPS are scaled.
                var rates = RatesOf(destination.Counters);
                Append(text, ListingFormats.DestinationRateLead, name, unchecked((ulong)rates.ConnectionsPerSecond),
                    unchecked((ulong)rates.InPacketsPerSecond), unchecked((ulong)rates.OutPacketsPerSecond));
                AppendNumbers(text, options.Exact, rates.InBytesPerSecond, rates.OutBytesPerSecond);
                text.Append('\n');
                break;
            case ListingDetail.Thresholds:
                Append(text, ListingFormats.DestinationThresholdsLine, name, Unsigned(destination.UpperThreshold),
                    Unsigned(destination.LowerThreshold), Unsigned(destination.ActiveConnections), Unsigned(destination.InactiveConnections));
                break;
            case ListingDetail.PersistentConnections:
                Append(text, ListingFormats.DestinationPersistentConnectionsLine, name, Unsigned(destination.Weight),
                    Unsigned(destination.PersistentConnections), Unsigned(destination.ActiveConnections), Unsigned(destination.InactiveConnections));
                break;
            case ListingDetail.TunnelInfo:
                Append(text, ListingFormats.DestinationTunnelInfoLine, name,
                    ForwardingNames.Column(destination.Method), TunnelNames.Column(destination),
                    destination.Weight, Unsigned(destination.ActiveConnections), Unsigned(destination.InactiveConnections));
                break;
            default:
                Append(text, ListingFormats.DestinationLine, name,
                    ForwardingNames.Column(destination.Method),
                    destination.Weight, Unsigned(destination.ActiveConnections), Unsigned(destination.InactiveConnections));
                break;
        }
    }

    private void AppendRules(StringBuilder text, VirtualService service, ListingOptions options)
    {
        var serviceName = service.Key.IsFirewallMark
            ? Format(ListingFormats.RuleServiceName, ListingFormats.FirewallMarkSwitch, MarkName(service, ListingFormats.RuleFirewallMarkIpv6Suffix))
            : Format(ListingFormats.RuleServiceName, ProtocolSwitch(service.Protocol), Endpoint(service.Address, service.Port, service.Protocol, options));
        Append(text, ListingFormats.RuleServiceLine, serviceName, service.Scheduler.Name);
        if (service.PersistenceTimeout is { } timeout)
        {
            Append(text, ListingFormats.RulePersistentSuffix, unchecked((uint)timeout));
            if (HasMask(service))
            {
                Append(text, ListingFormats.RuleMaskSuffix, MaskText(service));
            }
        }
        if (service.PersistenceEngine.Length != 0)
        {
            Append(text, ListingFormats.RulePersistenceEngineSuffix, service.PersistenceEngine);
        }
        if (service.OnePacket)
        {
            text.Append(ListingFormats.RuleOnePacketSuffix);
        }
        var flagBits = SchedulerFlagNames.Parse(service.SchedulerFlags);
        if (flagBits != 0)
        {
            Append(text, ListingFormats.RuleSchedulerFlagsSuffix, SchedulerFlagNames.Describe(service.Scheduler.Name, flagBits));
        }
        text.Append('\n');

        foreach (var destination in ListingOrder.Destinations(service, options.NoSort))
        {
            // -S does not cut long names.
            Append(text, ListingFormats.RuleDestinationLine, serviceName,
                Endpoint(service, destination, options),
                ForwardingNames.Switch(destination.Method), destination.Weight);
            if (destination.Method == ForwardingMethod.Tunnel)
            {
                AppendTunnelRule(text, destination);
            }
            text.Append('\n');
        }
    }

    /// <summary>As print_tunnel_rule: the type always, gue's port, and the checksum option of gue and gre.</summary>
    private static void AppendTunnelRule(StringBuilder text, Destination destination)
    {
        Append(text, ListingFormats.RuleTunnelTypeSuffix, Grammar.TunnelOptionRules.NameOf(destination.TunnelType));
        if (destination.TunnelType == TunnelType.Gue)
        {
            Append(text, ListingFormats.RuleTunnelPortSuffix, destination.TunnelPort);
        }
        if (destination.TunnelType != TunnelType.Ipip)
        {
            Append(text, ListingFormats.RuleTunnelChecksumSuffix, TunnelNames.ChecksumOption(destination.TunnelChecksum));
        }
    }

    private string Endpoint(InetAddress address, ushort port, IpProtocol protocol, ListingOptions options) =>
        EndpointNames.Format(address, port, protocol, options.Numeric, _names);

    /// <summary>
    /// A real server's address and port. A firewall-mark service reaches ipvsadm without a protocol, so its real
    /// servers' ports are never named (Linux 6.1 with ipvsadm 1.31 lists 8080, not http-alt).
    /// </summary>
    private string Endpoint(VirtualService service, Destination destination, ListingOptions options) =>
        EndpointNames.Format(destination.Address, destination.Port, service.Key.IsFirewallMark ? null : service.Protocol, options.Numeric, _names);

    /// <summary>As print_service_entry: a mask other than the full one is shown (an IPv6 service's is a prefix length, full at 128).</summary>
    private static bool HasMask(VirtualService service) =>
        service.PersistenceMask.Value != (service.Address.IsIpv4 ? FullMask : FullIpv6Prefix);

    private static string MaskText(VirtualService service) => service.Address.IsIpv4
        ? service.PersistenceMask.ToString()
        : service.PersistenceMask.Value.ToString(CultureInfo.InvariantCulture);

    private TrafficRates RatesOf(TrafficCounters counters) => _rates?.RatesOf(counters) ?? TrafficRates.Zero;

    private static void AppendNumbers(StringBuilder text, bool exact, params ReadOnlySpan<long> values)
    {
        foreach (var value in values)
        {
            text.Append(LargeNumberFormat.Format(value, exact));
        }
    }

    private static string ProtocolName(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Tcp => "TCP",
        IpProtocol.Udp => "UDP",
        IpProtocol.Sctp => "SCTP",
        _ => "?",
    };

    private static string ProtocolSwitch(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Tcp => "-t",
        IpProtocol.Udp => "-u",
        IpProtocol.Sctp => "--sctp-service",
        _ => "--xxx-service",
    };

    /// <summary>As print_service_entry and -S: ipvsadm prints a mark with %d, so one over 2^31 shows negative.</summary>
    private static int SignedMark(VirtualService service) => unchecked((int)service.Key.FirewallMark);

    /// <summary>As print_service_entry and its -S form: the mark, signed, and for an IPv6 mark service the family after it.</summary>
    private static string MarkName(VirtualService service, string ipv6Suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{SignedMark(service)}{(service.Address.IsIpv6 ? ipv6Suffix : string.Empty)}");

    /// <summary>ipvsadm prints counts with %u: a (never expected) negative shows as its unsigned bits.</summary>
    private static uint Unsigned(int value) => unchecked((uint)value);

    private static string Format(string format, params ReadOnlySpan<object?> arguments) =>
        string.Format(CultureInfo.InvariantCulture, format, arguments);

    private static void Append(StringBuilder text, string format, params ReadOnlySpan<object?> arguments) =>
        text.AppendFormat(CultureInfo.InvariantCulture, format, arguments);
}
