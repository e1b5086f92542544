namespace Forwarder.Core.Topology;

/// <summary>Which side of the director an interface faces: clients (public, eth2 in the seed) or real servers (private, eth1).</summary>
public enum InterfaceRole
{
    Public,
    Private,
}
