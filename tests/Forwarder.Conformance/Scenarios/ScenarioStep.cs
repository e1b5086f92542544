namespace Forwarder.Conformance.Scenarios;

/// <summary>One line of a scenario, run in order on the real kernel and on Forwarder.</summary>
public abstract record ScenarioStep(int LineNumber)
{
    /// <summary>
    /// Why Forwarder prints something else here on purpose (README: conformance); null when it must match.
    /// A step so marked must still differ: when it comes to match, the mark goes.
    /// </summary>
    public string? KnownDifference { get; init; }

    /// <summary>Whether both sides print something for this step that is compared.</summary>
    public virtual bool IsCompared => false;
}

/// <summary><c>ipvsadm ARGS [&lt; INPUT]</c>: stdout, stderr and exit status are compared byte for byte.</summary>
public sealed record IpvsadmStep(int LineNumber, IReadOnlyList<string> Arguments, string? StandardInputFile) : ScenarioStep(LineNumber)
{
    public override bool IsCompared => true;
}

/// <summary><c>conns</c>: <c>ipvsadm -Lnc</c>, compared as a set (the kernel lists in its random hash order).</summary>
public sealed record ConnectionsStep(int LineNumber) : ScenarioStep(LineNumber)
{
    public override bool IsCompared => true;
}

/// <summary>Which side of the director a packet arrives on.</summary>
public enum PacketSide
{
    /// <summary>From a client, on the public link.</summary>
    Client,

    /// <summary>From a real server, on the private link (NAT replies).</summary>
    RealServer,
}

/// <summary>One crafted TCP segment or UDP datagram; both sides see the same bytes above Ethernet.</summary>
public sealed record PacketStep(int LineNumber, PacketSide Side, bool Tcp, string Source, ushort SourcePort,
    string Destination, ushort DestinationPort, string Flags) : ScenarioStep(LineNumber)
{
    /// <summary>The packet-sender's input line for this packet.</summary>
    public string SenderLine => Tcp
        ? $"tcp {Source} {SourcePort} {Destination} {DestinationPort} {Flags}"
        : $"udp {Source} {SourcePort} {Destination} {DestinationPort}";
}

/// <summary>
/// <c>iptables-restore FILE</c> or <c>ip6tables-restore FILE</c>: the director's mangle table of that family
/// becomes FILE's (from Cases/inputs), in the guest by the real iptables-restore, on Forwarder's side as
/// <c>--marks</c> reads it. Nothing is compared; the guest's complaints go to the set-up log, which must stay
/// empty, and a rule Forwarder would not follow fails the scenario.
/// </summary>
public sealed record MarkRulesStep(int LineNumber, bool Ipv6, string InputFile) : ScenarioStep(LineNumber)
{
    public string Program => Ipv6 ? "ip6tables-restore" : "iptables-restore";
}

/// <summary><c>sleep SECONDS</c>: time passes (the guest sleeps; Forwarder's clock moves on).</summary>
public sealed record SleepStep(int LineNumber, decimal Seconds) : ScenarioStep(LineNumber);
