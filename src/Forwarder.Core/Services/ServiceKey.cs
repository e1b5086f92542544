namespace Forwarder.Core.Services;

/// <summary>What names a virtual service: protocol, virtual address and port (host order).</summary>
public readonly record struct ServiceKey(IpProtocol Protocol, uint Address, ushort Port)
{
    public override int GetHashCode() => (int)(Address * 2654435761u) ^ (Port << 8) ^ (int)Protocol;
}
