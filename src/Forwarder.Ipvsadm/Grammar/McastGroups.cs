using System.Net;
using System.Net.Sockets;

namespace Forwarder.Ipvsadm.Grammar;

/// <summary>
/// --mcast-group as ipvsadm reads it: with a ':' an IPv6 address (inet_pton) that is multicast, else a strict
/// dotted quad (inet_pton: four decimal parts, no leading zeros) in 224.0.0.0/4.
/// </summary>
internal static class McastGroups
{
    public static bool IsValid(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 &&
                !text.Contains('%', StringComparison.Ordinal) && v6.IsIPv6Multicast;
        }
        return TryParseDottedQuad(text, out var v4) && v4 >> 28 == 0xE;
    }

    private static bool TryParseDottedQuad(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }
            var value = int.Parse(part, System.Globalization.CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return false;
            }
            address = (address << 8) | (uint)value;
        }
        return true;
    }
}
