using Forwarder.Core.Frames;

namespace Forwarder.Ipvsadm.Naming;

/// <summary>
/// IPv4 addresses as inet_aton reads them, which is how ipvsadm reads every address argument: one to four
/// parts separated by dots, each decimal, octal (leading 0) or hex (leading 0x); the last part fills the
/// bytes that remain, so "192.168.1" is 192.168.0.1 and "10.1.0" is 10.1.0.0.
/// </summary>
public static class InetAtonAddress
{
    public static bool TryParse(string text, out Ipv4Address address)
    {
        address = default;
        var parts = text.Split('.');
        if (parts.Length > 4)
        {
            return false;
        }
        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePart(parts[i], out values[i]) || (i < parts.Length - 1 && values[i] > 0xFF))
            {
                return false;
            }
        }
        // The last part fills 32, 24, 16 or 8 bits for one to four parts.
        var lastBits = 8 * (5 - parts.Length);
        var last = values[^1];
        if (lastBits < 32 && last >> lastBits != 0)
        {
            return false;
        }
        uint value = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            value |= (uint)values[i] << (24 - (8 * i));
        }
        address = new Ipv4Address(value | (uint)last);
        return true;
    }

    /// <summary>One part as strtoul with base 0 reads it, digits only (no sign, no spaces).</summary>
    private static bool TryParsePart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0 || !char.IsAsciiDigit(part[0]))
        {
            return false;
        }
        var (digits, radix) = part.Length > 1 && part[0] == '0'
            ? part[1] is 'x' or 'X' ? (part[2..], 16) : (part[1..], 8)
            : (part, 10);
        if (digits.Length == 0 && radix == 16)
        {
            // glibc refuses a bare "0x".
            return false;
        }
        foreach (var c in digits)
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigit(c) ? (char.ToLowerInvariant(c) - 'a' + 10) : 99;
            if (digit >= radix)
            {
                return false;
            }
            value = (value * (ulong)radix) + (ulong)digit;
            if (value > uint.MaxValue)
            {
                return false;
            }
        }
        return true;
    }
}
