using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>Frame times for generated scenarios: a fixed UTC start plus milliseconds, so tcpdump's times are easy to read.</summary>
public static class ScenarioClock
{
    /// <summary>2024-05-01 10:00:00 UTC.</summary>
    public static long Start { get; } = CaptureTime.Utc(2024, 5, 1, "10:00:00.000000");

    public static long At(double seconds) => Start + (long)Math.Round(seconds * 1_000_000);
}
