using Forwarder.Core.Frames;

namespace Forwarder.Core.Marking;

/// <summary>
/// A rule bound to the director's interfaces, as plain values the classifier compares without allocating:
/// the interfaces it matches as a bit per interface index, IPv4 networks as network and mask (IPv6 ones as network
/// and prefix length), its ports as a slice of the rule set's port array.
/// </summary>
internal readonly struct CompiledMarkRule
{
    public InetAddress SourceNetwork6 { get; init; }

    public int SourcePrefix6 { get; init; }

    public InetAddress DestinationNetwork6 { get; init; }

    public int DestinationPrefix6 { get; init; }

    public ulong Interfaces { get; init; }

    public uint SourceNetwork { get; init; }

    public uint SourceMask { get; init; }

    public bool SourceNegated { get; init; }

    public uint DestinationNetwork { get; init; }

    public uint DestinationMask { get; init; }

    public bool DestinationNegated { get; init; }

    public byte Protocol { get; init; }

    public int FirstPort { get; init; }

    public int PortCount { get; init; }

    public bool PortsNegated { get; init; }

    public uint Value { get; init; }

    public uint Mask { get; init; }

    public bool EndsChain { get; init; }
}
