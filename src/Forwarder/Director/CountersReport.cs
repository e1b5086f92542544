using System.Globalization;
using System.Text;
using Forwarder.Capture.Live;
using Forwarder.Core.Engine;

namespace Forwarder.Director;

/// <summary>
/// The live director's counters as text: frames seen, forwarded and dropped by reason (the engine's),
/// what each interface sent, and libpcap's own counts of frames received and dropped for want of buffer.
/// Per interface the frames add up: pcap-received = pcap-dropped + received + unread-at-stop + pcap-waiting, and
/// the interfaces' received add up to frames-in.
/// </summary>
public static class CountersReport
{
    public static string Format(DirectorEngine engine, IReadOnlyList<IDirectorPort> ports)
    {
        var text = new StringBuilder();
        var counters = engine.Counters;
        Line(text, "frames-in", counters.FramesIn);
        Line(text, "frames-out", counters.FramesOut);
        Line(text, "dropped", counters.Dropped);
        foreach (var (outcome, count) in counters.NonZero())
        {
            Line(text, "outcome " + outcome, count);
        }
        Line(text, "connections", engine.Connections.Count);
        Line(text, "connections-evicted-embryonic", engine.Connections.EvictedEmbryonic);
        Line(text, "connections-refused-full", engine.Connections.RefusedFull);
        Line(text, "arp-requests", engine.Neighbors.RequestsSent);
        Line(text, "arp-unresolved-drops", engine.Neighbors.UnresolvedDrops);
        // The process's managed allocations so far: flat under load when the capture loop allocates nothing per frame.
        Line(text, "managed-allocated-bytes", GC.GetTotalAllocatedBytes(precise: false));
        foreach (var port in ports)
        {
            // Ours first, then libpcap's: every frame we count, the kernel counted before.
            var read = port.Received;
            var unread = port.UnreadAtStop;
            var (received, dropped, interfaceDropped) = port.Statistics();
            Line(text, $"{port.Name} received", read);
            Line(text, $"{port.Name} sent", port.Sent);
            Line(text, $"{port.Name} send-failures", port.SendFailures);
            Line(text, $"{port.Name} sent-offloaded", port.SentOffloaded);
            Line(text, $"{port.Name} pcap-received", received);
            Line(text, $"{port.Name} pcap-dropped", dropped);
            Line(text, $"{port.Name} unread-at-stop", unread);
            // Still in libpcap's ring, not yet read: what is left of pcap-received (0 once stopped).
            Line(text, $"{port.Name} pcap-waiting", Math.Max(0, (long)received - dropped - read - unread));
            Line(text, $"{port.Name} interface-dropped", interfaceDropped);
        }
        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
}
