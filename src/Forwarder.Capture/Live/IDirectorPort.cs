using Forwarder.Core.Transmit;

namespace Forwarder.Capture.Live;

/// <summary>
/// One interface as the live director's loop uses it: a descriptor to wait on, frames read without blocking, a
/// batch transmitted at once, and counts that add up (see <see cref="LivePort"/>). Only the loop's thread reads
/// and transmits; the counts may be read from any thread.
/// </summary>
public interface IDirectorPort
{
    string Name { get; }

    /// <summary>Readable (POLLIN) when frames wait to be read.</summary>
    int ReadinessDescriptor { get; }

    /// <summary>Copies the next waiting frame into <paramref name="buffer"/>, or returns false at once when none waits.</summary>
    bool TryRead(byte[] buffer, out int length, out long timestamp);

    /// <summary>
    /// Up to <paramref name="count"/> waiting frames, frame <c>i</c> copied into <c>buffers[i]</c>; returns how many,
    /// 0 at once when none waits. A port may read them in one go where its capture can (libpcap's pcap_dispatch).
    /// </summary>
    int TryReadMany(byte[][] buffers, int[] lengths, long[] timestamps, int count)
    {
        var read = 0;
        while (read < count && TryRead(buffers[read], out lengths[read], out timestamps[read]))
        {
            read++;
        }
        return read;
    }

    /// <summary>Sends the frames of <paramref name="batch"/> that leave by <paramref name="interfaceIndex"/>; returns how many went.</summary>
    int Transmit(OutputBatch batch, int interfaceIndex);

    long Received { get; }

    long Sent { get; }

    long SendFailures { get; }

    /// <summary>Of <see cref="Sent"/>, the frames the kernel was to finish or cut (run --gro's merged frames among them).</summary>
    long SentOffloaded => 0;

    long UnreadAtStop { get; }

    /// <summary>libpcap's counts since the port was ready: received (dropped included), dropped by the kernel, dropped by the interface.</summary>
    (uint Received, uint Dropped, uint InterfaceDropped) Statistics();

    /// <summary>At stop: reads and counts what is still waiting, so the counts add up.</summary>
    int DiscardUnread();
}
