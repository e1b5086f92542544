namespace Forwarder.Core.Topology;

/// <summary>A topology file read: the topology, and the warnings for lines that are legal but surely wrong.</summary>
public sealed record ParsedTopology(DirectorTopology Topology, IReadOnlyList<TopologyWarning> Warnings);
