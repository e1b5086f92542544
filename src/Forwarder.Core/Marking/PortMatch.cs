namespace Forwarder.Core.Marking;

/// <summary>A destination port range (a single port has <c>First == Last</c>), as --dport and --dports give them.</summary>
public readonly record struct PortMatch(ushort First, ushort Last);
