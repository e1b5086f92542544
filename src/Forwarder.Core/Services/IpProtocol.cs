namespace Forwarder.Core.Services;

/// <summary>
/// The transport protocols a virtual service can carry, numbered as in the IPv4 header. SCTP services are
/// kept and listed as IPVS keeps them; the data path forwards TCP and UDP only.
/// </summary>
public enum IpProtocol : byte
{
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}
