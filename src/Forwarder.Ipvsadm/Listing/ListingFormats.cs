namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// Every line layout ipvsadm prints, in one place, named after what it prints. They are .NET composite
/// formats written to match ipvsadm's printf formats column for column: <c>{0,-28}</c> is <c>%-28s</c>,
/// <c>{0,8}</c> is <c>%8s</c>; trailing spaces of left-aligned last columns are part of the output.
/// </summary>
internal static class ListingFormats
{
    /// <summary>ipvsadm reports the kernel's IPVS version, 1.2.1 for every kernel since 2.6.</summary>
    public const string VersionLine = "IP Virtual Server version 1.2.1 (size={0})\n";

    // Titles (print_title).
    public const string StandardTitle =
        "Prot LocalAddress:Port Scheduler Flags\n" +
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    /// <summary>--tun-info: the standard title with the TunnelInfo column.</summary>
    public const string TunnelInfoTitle =
        "Prot LocalAddress:Port Scheduler Flags\n" +
        "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n";

    public const string NumbersTitle = "{0,-33} {1,8} {2,8} {3,8} {4,8} {5,8}\n" + DestinationSubtitle;

    public const string ThresholdsTitle = "{0,-33} {1,-10} {2,-10} {3,-10} {4,-10}\n" + DestinationSubtitle;

    public const string PersistentConnectionsTitle = "{0,-33} {1,-9} {2,-11} {3,-10} {4,-10}\n" + DestinationSubtitle;

    public const string ServiceColumnTitle = "Prot LocalAddress:Port";

    public const string DestinationSubtitle = "  -> RemoteAddress:Port\n";

    // Services (print_service_entry).
    /// <summary>Protocol and address as the listings name a service; cut to <see cref="ServiceNameWidth"/> characters.</summary>
    public const string ServiceName = "{0,-4} {1}";

    public const int ServiceNameWidth = 33;

    /// <summary>The protocol column of a firewall-mark service, its mark in place of the address.</summary>
    public const string FirewallMarkProtocol = "FWM";

    /// <summary>How -S names a firewall-mark service.</summary>
    public const string FirewallMarkSwitch = "-f";

    /// <summary>After an IPv6 firewall-mark service's mark in the listings (<c>FWM  1 IPv6</c>).</summary>
    public const string FirewallMarkIpv6Suffix = " IPv6";

    /// <summary>After an IPv6 firewall-mark service's mark in -S (<c>-A -f 1 -6</c>).</summary>
    public const string RuleFirewallMarkIpv6Suffix = " -6";

    public const string ServiceSchedulerLine = "{0} {1}";

    public const string SchedulerFlagsSuffix = " ({0})";

    public const string PersistentSuffix = " persistent {0}";

    public const string MaskSuffix = " mask {0}";

    /// <summary>--pe, printed only for a persistent service, after its mask.</summary>
    public const string PersistenceEngineSuffix = " pe {0}";

    /// <summary>-o, last on the line.</summary>
    public const string OnePacketSuffix = " ops";

    /// <summary>The service column of --stats and --rate lines, which the numbers follow.</summary>
    public const string ServiceNumbersLead = "{0,-33}";

    // Destinations.
    /// <summary>Destination names are cut to this many characters in every listing but -S.</summary>
    public const int DestinationNameWidth = 28;

    public const string DestinationLine = "  -> {0,-28} {1,-7} {2,-6} {3,-10} {4,-10}\n";

    /// <summary>--tun-info: Forward, then the tunnel (<see cref="TunnelNames"/>), then the standard columns.</summary>
    public const string DestinationTunnelInfoLine = "  -> {0,-28} {1,-7} {2,-13} {3,-6} {4,-10} {5,-10}\n";

    public const string DestinationNumbersLead = "  -> {0,-28}";

    public const string DestinationRateLead = "  -> {0,-28} {1,8} {2,8} {3,8}";

    public const string DestinationThresholdsLine = "  -> {0,-28} {1,-10} {2,-10} {3,-10} {4,-10}\n";

    public const string DestinationPersistentConnectionsLine = "  -> {0,-28} {1,-9} {2,-11} {3,-10} {4,-10}\n";

    // Rules (-S).
    public const string RuleServiceName = "{0} {1}";

    public const string RuleServiceLine = "-A {0} -s {1}";

    public const string RulePersistentSuffix = " -p {0}";

    public const string RuleMaskSuffix = " -M {0}";

    public const string RulePersistenceEngineSuffix = " --pe {0}";

    public const string RuleOnePacketSuffix = " -o";

    public const string RuleSchedulerFlagsSuffix = " -b {0}";

    public const string RuleDestinationLine = "-a {0} -r {1} {2} -w {3}";

    /// <summary>A tunnelled destination's -S line goes on with its type, gue's port, and gue's or gre's checksum option.</summary>
    public const string RuleTunnelTypeSuffix = " --tun-type {0}";

    public const string RuleTunnelPortSuffix = " --tun-port {0}";

    public const string RuleTunnelChecksumSuffix = " {0}";

    // Tunnels (fwd_tun_info).
    public const string TunnelInfoGue = "{0}:{1}:{2}";

    public const string TunnelInfoGre = "{0}:{1}";

    /// <summary>The TunnelInfo of a destination that is not tunnelled.</summary>
    public const string TunnelInfoNone = "n/a";

    // Numbers (print_largenum): at least nine columns, or a suffix after eight.
    public const string LargeNumber = "{0,9}";

    public const string ScaledNumber = "{0,8}{1}";

    // Connections (-c).
    public const string ConnectionsHeading = "IPVS connection entries\n";

    public const string ConnectionsTitle = "pro expire {0,-11} {1,-18} {2,-18} {3}\n";

    public const string ConnectionsPersistenceTitle = "pro expire {0,-11} {1,-18} {2,-18} {3,-18} {4,-16} {5}\n";

    public const string ConnectionLine = "{0,-3} {1,-6} {2,-11} {3,-18} {4,-18} {5}\n";

    public const string ConnectionExpiry = "{0:00}:{1:00}";

    // Timeouts (--timeout).
    public const string TimeoutLine = "Timeout (tcp tcpfin udp): {0} {1} {2}\n";

    // Sync daemons (--daemon): list_daemon prints each part only when the kernel gave it (6.1 gives them all).
    public const string DaemonStart = "{0} sync daemon (mcast={1}, syncid={2}";

    public const string DaemonMaximumLength = ", maxlen={0}";

    public const string DaemonGroup = ", group={0}";

    public const string DaemonPort = ", port={0}";

    public const string DaemonTtl = ", ttl={0}";

    public const string DaemonEnd = ")\n";

    // Names (addrport_to_anyname).
    public const string AddressAndPort = "{0}:{1}";

    /// <summary>ipvsadm builds an address:port name in a 60-byte buffer, so names are cut to 59 characters.</summary>
    public const int AddressAndPortMaxLength = 59;
}
