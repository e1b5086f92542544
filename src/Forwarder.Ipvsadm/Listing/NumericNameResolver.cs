using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>Knows no names: every address and port prints as a number, even without -n.</summary>
public sealed class NumericNameResolver : INameResolver
{
    public static readonly NumericNameResolver Instance = new();

    public string? HostName(Ipv4Address address) => null;

    public string? PortName(ushort port, IpProtocol protocol) => null;
}
