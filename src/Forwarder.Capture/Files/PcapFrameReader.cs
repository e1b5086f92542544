using Forwarder.Core;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Forwarder.Capture.Files;

/// <summary>
/// Reads an Ethernet capture file through libpcap (SharpPcap), frame by frame. A truncated or corrupt
/// file is reported with the number of the frame where reading failed.
/// </summary>
public sealed class PcapFrameReader : IDisposable
{
    private readonly CaptureFileReaderDevice _device;
    private int _read;

    public PcapFrameReader(string path)
    {
        Path = path;
        if (!File.Exists(path))
        {
            throw new CaptureFileException($"{EchoedText.Of(path)}: no such file");
        }
        _device = new CaptureFileReaderDevice(path);
        try
        {
            _device.Open(new DeviceConfiguration { TimestampResolution = TimestampResolution.Microsecond });
        }
        catch (PcapException failure)
        {
            throw new CaptureFileException($"{EchoedText.Of(path)}: not a readable capture ({EchoedText.Of(failure.Message.Trim())})", failure);
        }
        // Read before the device is closed: a closed device no longer knows its link type.
        var linkType = _device.LinkType;
        if (linkType != LinkLayers.Ethernet)
        {
            _device.Close();
            throw new CaptureFileException($"{EchoedText.Of(path)}: {DescribeLinkType((int)linkType)} is not Ethernet; replay reads Ethernet captures");
        }
    }

    public string Path { get; }

    /// <summary>The next frame, or null at the end of the file.</summary>
    public CapturedFrame? Next()
    {
        var status = _device.GetNextPacket(out var capture);
        switch (status)
        {
            case GetPacketStatus.PacketRead:
                _read++;
                return new CapturedFrame(_read, TimestampOf(capture), capture.Data.ToArray());
            case GetPacketStatus.NoRemainingPackets:
                return null;
            default:
                throw new CaptureFileException($"{EchoedText.Of(Path)}: frame {_read + 1}: {Describe(_device.LastError)}");
        }
    }

    public void Dispose() => _device.Close();

    /// <summary>µs since the epoch; a record whose time SharpPcap cannot convert (found by fuzzing) is a corrupt record.</summary>
    private long TimestampOf(in PacketCapture capture)
    {
        try
        {
            var time = capture.Header.Timeval;
            return checked(((long)time.Seconds * 1_000_000) + (long)time.MicroSeconds);
        }
        catch (OverflowException)
        {
            throw new CaptureFileException($"{EchoedText.Of(Path)}: frame {_read}: its timestamp is out of range (corrupt capture)");
        }
    }

    /// <summary>"link type 113 (LINUX_SLL)": the file's number and libpcap's name for it.</summary>
    private static string DescribeLinkType(int datalink) =>
        LinkTypeNames.Name(datalink) is { } name
            ? $"link type {LinkTypeNames.FileLinkType(datalink)} ({name})"
            : $"link type {LinkTypeNames.FileLinkType(datalink)}";

    private static string Describe(string? error) =>
        string.IsNullOrWhiteSpace(error) ? "unreadable record (truncated or corrupt capture)" : EchoedText.Of(error.Trim());
}
