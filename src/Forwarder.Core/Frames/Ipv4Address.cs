using System.Globalization;

namespace Forwarder.Core.Frames;

/// <summary>An IPv4 address as a host-order number: the engine compares and hashes addresses as integers.</summary>
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>
{
    public static readonly Ipv4Address Any = new(0);

    /// <summary>Strict dotted-quad parsing: exactly four decimal octets, as ipvsadm's inet_aton use expects in practice.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Address address)
    {
        address = Any;
        uint value = 0;
        var octets = 0;
        while (true)
        {
            var dot = text.IndexOf('.');
            var part = dot < 0 ? text : text[..dot];
            if (part.IsEmpty || part.Length > 3 || !IsDigits(part) ||
                !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return false;
            }
            value = (value << 8) | octet;
            octets++;
            if (dot < 0)
            {
                break;
            }
            text = text[(dot + 1)..];
        }
        if (octets != 4)
        {
            return false;
        }
        address = new Ipv4Address(value);
        return true;
    }

    /// <summary>Parses <c>ADDRESS/PREFIX</c> (a network, or an interface's address and its prefix length).</summary>
    public static bool TryParseNetwork(ReadOnlySpan<char> text, out Ipv4Address address, out int prefixLength)
    {
        prefixLength = 0;
        var slash = text.IndexOf('/');
        if (slash < 0 || !TryParse(text[..slash], out address))
        {
            address = Any;
            return false;
        }
        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) && prefixLength <= 32;
    }

    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv4 address");

    public bool IsInSubnet(Ipv4Address network, int prefixLength) =>
        ((Value ^ network.Value) & PrefixMask(prefixLength)) == 0;

    public static uint PrefixMask(int prefixLength) =>
        prefixLength <= 0 ? 0u : prefixLength >= 32 ? uint.MaxValue : uint.MaxValue << (32 - prefixLength);

    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    public static bool operator <(Ipv4Address left, Ipv4Address right) => left.Value < right.Value;

    public static bool operator >(Ipv4Address left, Ipv4Address right) => left.Value > right.Value;

    public static bool operator <=(Ipv4Address left, Ipv4Address right) => left.Value <= right.Value;

    public static bool operator >=(Ipv4Address left, Ipv4Address right) => left.Value >= right.Value;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}");

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }
}
