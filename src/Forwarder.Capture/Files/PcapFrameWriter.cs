using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Forwarder.Capture.Files;

/// <summary>Writes a classic pcap file (Ethernet, µs timestamps, snaplen 65535) through libpcap.</summary>
public sealed class PcapFrameWriter : IDisposable
{
    private readonly CaptureFileWriterDevice _device;

    public PcapFrameWriter(string path)
    {
        _device = new CaptureFileWriterDevice(path, FileMode.Create);
        _device.Open(new DeviceConfiguration
        {
            LinkLayerType = LinkLayers.Ethernet,
            Snaplen = 65535,
            TimestampResolution = TimestampResolution.Microsecond,
        });
    }

    public void Write(ReadOnlySpan<byte> frame, long timestamp)
    {
        var header = new PcapHeader((uint)(timestamp / 1_000_000), (uint)(timestamp % 1_000_000), (uint)frame.Length, (uint)frame.Length);
        _device.Write(frame, ref header);
    }

    public void Dispose() => _device.Close();
}
