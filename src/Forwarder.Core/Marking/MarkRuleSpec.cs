namespace Forwarder.Core.Marking;

/// <summary>
/// One <c>-A PREROUTING</c> rule of a <c>*mangle</c> table as read, before it is bound to the director's interfaces.
/// <see cref="Protocol"/> is 0 for any. <see cref="Ports"/> is empty for any port, else the ranges any one of which
/// matches (negated as a whole by <see cref="PortsNegated"/>). As netfilter's MARK target: the packet's mark becomes
/// <c>(mark AND NOT Mask) XOR Value</c>, and the chain goes on; a rule whose <see cref="EndsChain"/> is set
/// (<c>-j ACCEPT</c> or <c>-j RETURN</c>) stops the walk with the mark as it is.
/// </summary>
public sealed record MarkRuleSpec(
    int LineNumber,
    MarkFamily Family,
    string? InputInterface,
    bool InputInterfaceNegated,
    NetworkMatch Source,
    NetworkMatch Destination,
    byte Protocol,
    IReadOnlyList<PortMatch> Ports,
    bool PortsNegated,
    uint Value,
    uint Mask,
    bool EndsChain);
