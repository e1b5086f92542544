using System.Net;

namespace Forwarder.Keepalived.Configuration;

/// <summary>An address, port and protocol: a virtual service as ipvsadm names it, or a real server.</summary>
public sealed record ServiceAddress(IPAddress Address, ushort Port, LvsProtocol Protocol)
{
    /// <summary>keepalived's way of writing one in its logs (inet_sockaddrtotrio): <c>[192.168.1.199]:tcp:80</c>.</summary>
    public override string ToString() => $"[{Address}]:{ProtocolName}:{Port}";

    public string ProtocolName => Protocol switch
    {
        LvsProtocol.Udp => "udp",
        LvsProtocol.Sctp => "sctp",
        _ => "tcp",
    };

    /// <summary>ipvsadm's ADDRESS:PORT.</summary>
    public string Endpoint => $"{Address}:{Port}";
}
