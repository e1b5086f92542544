namespace Forwarder.Core.Services;

/// <summary>The transport protocols a virtual service can carry, numbered as in the IPv4 header.</summary>
public enum IpProtocol : byte
{
    Tcp = 6,
    Udp = 17,
}
