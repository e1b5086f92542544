namespace Forwarder.Core.Marking;

/// <summary>
/// A rule bound to the director's interfaces, as plain values the classifier compares without allocating: the
/// interfaces it matches as a bit per interface index, networks as network and mask over 128 bits (an IPv4 rule's in
/// the low 32, as <see cref="Frames.InetAddress.ToUInt128"/> gives an IPv4 address), its ports as a slice of the rule
/// set's port array.
/// </summary>
internal readonly struct CompiledMarkRule
{
    public ulong Interfaces { get; init; }

    public UInt128 SourceNetwork { get; init; }

    public UInt128 SourceMask { get; init; }

    public bool SourceNegated { get; init; }

    public UInt128 DestinationNetwork { get; init; }

    public UInt128 DestinationMask { get; init; }

    public bool DestinationNegated { get; init; }

    public byte Protocol { get; init; }

    public int FirstPort { get; init; }

    public int PortCount { get; init; }

    public bool PortsNegated { get; init; }

    public uint Value { get; init; }

    public uint Mask { get; init; }

    public bool EndsChain { get; init; }
}
