namespace Forwarder.CaptureBuilder.Pcap;

/// <summary>Microsecond timestamps written the way tcpdump prints them, always UTC.</summary>
public static class CaptureTime
{
    /// <summary>UTC date and time of day with a microsecond fraction, e.g. (2017, 6, 7, "22:44:44.674731").</summary>
    public static long Utc(int year, int month, int day, string timeOfDay)
    {
        var parts = timeOfDay.Split('.');
        if (parts.Length != 2 || parts[1].Length != 6)
        {
            throw new FormatException($"expected HH:MM:SS.uuuuuu, got '{timeOfDay}'");
        }
        var clock = TimeSpan.ParseExact(parts[0], @"hh\:mm\:ss", null);
        var midnight = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
        return (midnight + clock).ToUnixTimeMilliseconds() * 1000 + int.Parse(parts[1]);
    }
}
