using Forwarder.Capture.Files;
using PacketDotNet;

namespace Forwarder.Replay.Tests;

/// <summary>Reads every frame of a capture, decoded with PacketDotNet for field checks.</summary>
public static class CaptureFrames
{
    public static List<(long Timestamp, EthernetPacket Packet, byte[] Bytes)> Read(string path)
    {
        var frames = new List<(long, EthernetPacket, byte[])>();
        using var reader = new PcapFrameReader(path);
        while (reader.Next() is { } frame)
        {
            frames.Add((frame.Timestamp, (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame.Data), frame.Data));
        }
        return frames;
    }
}
