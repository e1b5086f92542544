namespace Forwarder.Keepalived.Configuration;

/// <summary>A virtual server's <c>protocol</c>.</summary>
public enum LvsProtocol
{
    Tcp,
    Udp,
    Sctp,
}
