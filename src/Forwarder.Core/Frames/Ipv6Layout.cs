namespace Forwarder.Core.Frames;

/// <summary>Offsets and values of the IPv6 header (RFC 8200) and its extension headers, from the start of the IP header.</summary>
public static class Ipv6Layout
{
    public const int HeaderLength = 40;
    public const int PayloadLength = 4;
    public const int NextHeader = 6;
    public const int HopLimit = 7;
    public const int Source = 8;
    public const int Destination = 24;

    public const byte HopByHopOptions = 0;
    public const byte Routing = 43;
    public const byte Fragment = 44;
    public const byte EncapsulatingSecurityPayload = 50;
    public const byte Authentication = 51;
    public const byte NoNextHeader = 59;
    public const byte DestinationOptions = 60;
    public const byte ProtocolIcmpv6 = 58;

    public const int FragmentHeaderLength = 8;
    public const int FragmentOffsetAndFlags = 2;
    public const ushort FragmentOffsetMask = 0xFFF8;
    public const ushort MoreFragments = 0x0001;

    /// <summary>
    /// How many extension headers a packet may carry before the transport: a bound against a chain built to make the
    /// director walk (RFC 8200 recommends at most one of each, once, and two Destination Options: seven).
    /// </summary>
    public const int MaximumExtensionHeaders = 8;
}
