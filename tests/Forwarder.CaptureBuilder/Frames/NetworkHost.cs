using System.Net;
using System.Net.NetworkInformation;

namespace Forwarder.CaptureBuilder.Frames;

/// <summary>One station on a link: the MAC it sends from and the IPv4 address it owns.</summary>
public sealed record NetworkHost(PhysicalAddress Mac, IPAddress Address)
{
    /// <summary>Parses "02:00:00:00:01:6a" and "192.168.1.106".</summary>
    public static NetworkHost Parse(string mac, string address) =>
        new(PhysicalAddress.Parse(mac.Replace(':', '-')), IPAddress.Parse(address));
}
