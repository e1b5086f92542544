using System.Globalization;
using System.Net;

namespace Forwarder.Keepalived.Configuration;

/// <summary>The values keepalived's parser reads, read the same way: timers in decimal seconds, numbers in ranges, booleans, addresses.</summary>
internal static class ConfigValues
{
    /// <summary>As read_timer: seconds with up to six decimals (keepalived keeps µs), never negative.</summary>
    public static bool TryTimer(string text, out TimeSpan value)
    {
        value = default;
        if (text.Length == 0 || text[0] is '-' or '+')
        {
            return false;
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && text.Length - dot - 1 > 6)
        {
            return false;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 4_294_967)
        {
            return false;
        }
        value = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    public static bool TryNumber(string text, long minimum, long maximum, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= minimum && value <= maximum;

    /// <summary>As check_true_false: a keyword alone means true; otherwise true/on/yes or false/off/no.</summary>
    public static bool? Flag(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0)
        {
            return true;
        }
        return arguments[0].ToLowerInvariant() switch
        {
            "true" or "on" or "yes" => true,
            "false" or "off" or "no" => false,
            _ => null,
        };
    }

    /// <summary>An IPv4 address in dotted quad, or an IPv6 one (any text with a colon, as inet_pton reads it).</summary>
    public static bool TryAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(text, out address!);
        }
        return text.Count(c => c == '.') == 3 && text.All(c => c == '.' || char.IsAsciiDigit(c)) && IPAddress.TryParse(text, out address!);
    }

    public static bool TryPort(string text, out ushort port) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port);
}
