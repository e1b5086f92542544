using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Forwarder.CaptureBuilder.Pcap;

/// <summary>
/// Writes classic (libpcap 2.4) Ethernet capture files with microsecond timestamps through
/// SharpPcap, i.e. libpcap's own pcap_dump, so the files are what tcpdump itself would write.
/// </summary>
public static class PcapFileWriter
{
    public const int SnapshotLength = 65535;

    public static void Write(string path, IReadOnlyList<TimedFrame> frames)
    {
        for (var i = 1; i < frames.Count; i++)
        {
            if (frames[i].UnixMicroseconds < frames[i - 1].UnixMicroseconds)
            {
                throw new InvalidOperationException($"{path}: frame {i + 1} is earlier than frame {i}");
            }
        }

        using var writer = new CaptureFileWriterDevice(path, FileMode.Create);
        writer.Open(new DeviceConfiguration
        {
            LinkLayerType = LinkLayers.Ethernet,
            Snaplen = SnapshotLength,
            TimestampResolution = TimestampResolution.Microsecond,
        });
        foreach (var frame in frames)
        {
            var seconds = (uint)(frame.UnixMicroseconds / 1_000_000);
            var microseconds = (uint)(frame.UnixMicroseconds % 1_000_000);
            var header = new PcapHeader(seconds, microseconds, (uint)frame.Bytes.Length, (uint)frame.Bytes.Length);
            writer.Write(frame.Bytes, ref header);
        }
    }
}
