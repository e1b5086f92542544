using Forwarder.Core.Frames;

namespace Forwarder.Core.Services;

/// <summary>What names a virtual service: protocol, virtual address (IPv4 or IPv6) and port (host order).</summary>
public readonly record struct ServiceKey(IpProtocol Protocol, InetAddress Address, ushort Port)
{
    public override int GetHashCode() => (int)(Address.Fold() * 2654435761u) ^ (Port << 8) ^ (int)Protocol;
}
