using System.Globalization;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// ipvsadm's <c>print_largenum</c>: a counter in nine columns, or — from 100 million on, unless --exact —
/// divided down to K (thousands), M (millions), G (billions) or T (trillions) in eight columns plus the letter.
/// </summary>
public static class LargeNumberFormat
{
    public static string Format(ulong value, bool exact)
    {
        if (exact || value < 100_000_000UL)
        {
            // With --exact a wider number keeps one space before it: width is max(9, digits + 1).
            var digits = value.ToString(CultureInfo.InvariantCulture);
            return digits.Length <= 8
                ? string.Format(CultureInfo.InvariantCulture, ListingFormats.LargeNumber, value)
                : " " + digits;
        }
        var (divisor, suffix) = value switch
        {
            < 1_000_000_000UL => (1_000UL, "K"),
            < 100_000_000_000UL => (1_000_000UL, "M"),
            < 100_000_000_000_000UL => (1_000_000_000UL, "G"),
            _ => (1_000_000_000_000UL, "T"),
        };
        return string.Format(CultureInfo.InvariantCulture, ListingFormats.ScaledNumber, value / divisor, suffix);
    }

    /// <summary>Counters are never negative; a negative value prints as ipvsadm would print the same bits unsigned.</summary>
    public static string Format(long value, bool exact) => Format(unchecked((ulong)value), exact);
}
