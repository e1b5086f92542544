namespace Forwarder.Core.Frames;

/// <summary>The network layer a frame carries. IPv4 is the default, so a <see cref="PacketFields"/> made by hand is IPv4.</summary>
public enum IpFamily : byte
{
    Ipv4 = 0,
    Ipv6 = 1,
}
