using System.Globalization;
using Forwarder.Core;

namespace Forwarder.Ipvsadm.Rules;

/// <summary>
/// A commands file's time: decimal seconds from the capture's first frame (<c>0</c>, <c>1.5</c>,
/// <c>12.000250</c>, <c>-1</c>), to the microsecond the capture's clock counts in. Read exactly (no floating
/// point), so <c>0.000001</c> is one µs and never rounds to a neighbour.
/// </summary>
public static class CommandTime
{
    private const int MaximumDecimals = 6;

    /// <summary>Far beyond any capture (about 31 years), and small enough that no clock arithmetic overflows.</summary>
    private const long MaximumSeconds = 1_000_000_000;

    /// <summary>The offset in µs, or why the text is not a time.</summary>
    public static bool TryParse(string text, out long microseconds, out string reason)
    {
        microseconds = 0;
        var echoed = EchoedText.Of(text);
        reason = $"'{echoed}' is not a time: expected seconds from the capture's first frame, as 0, 1.5 or 12.000250";
        var negative = text.StartsWith('-');
        var unsigned = negative ? text[1..] : text;
        var point = unsigned.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? unsigned : unsigned[..point];
        var fraction = point < 0 ? string.Empty : unsigned[(point + 1)..];
        if (whole.Length == 0 || !whole.All(char.IsAsciiDigit) || (point >= 0 && fraction.Length == 0) || !fraction.All(char.IsAsciiDigit))
        {
            return false;
        }
        if (fraction.Length > MaximumDecimals)
        {
            reason = $"'{echoed}' has more than {MaximumDecimals} decimals: the capture's clock counts microseconds";
            return false;
        }
        if (whole.TrimStart('0').Length > 10 || long.Parse(whole, CultureInfo.InvariantCulture) > MaximumSeconds)
        {
            reason = $"'{echoed}' is more than {MaximumSeconds:N0} seconds from the capture's first frame";
            return false;
        }
        var seconds = long.Parse(whole, CultureInfo.InvariantCulture);
        var fractionMicroseconds = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(MaximumDecimals, '0'), CultureInfo.InvariantCulture);
        microseconds = (seconds * 1_000_000) + fractionMicroseconds;
        if (negative)
        {
            microseconds = -microseconds;
        }
        return true;
    }
}
