namespace Forwarder.Keepalived.Configuration;

/// <summary>A virtual server's <c>protocol</c>.</summary>
public enum LvsProtocol
{
    Tcp,
    Udp,
    Sctp,

    /// <summary>None: a firewall-mark virtual server's, whose protocol keepalived clears (the mark alone selects).</summary>
    None,
}
