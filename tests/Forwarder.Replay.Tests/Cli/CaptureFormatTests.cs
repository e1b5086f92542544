using System.Buffers.Binary;
using System.Diagnostics;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Forwarder.Replay.Tests.Cli;

/// <summary>
/// Captures that are not classic Ethernet pcap: a link type replay cannot read is refused by name (the file's
/// LINKTYPE_ number and libpcap's name), pcapng Ethernet is read as libpcap reads it, and an empty or garbage
/// file is refused as unreadable; always one line and exit 1, never a crash.
/// </summary>
[TestFixture]
public sealed class CaptureFormatTests
{
    private const string Refusal = "is not Ethernet; replay reads Ethernet captures";

    private string _work = null!;
    private string _seed = null!;

    [SetUp]
    public void CreateWorkDirectory()
    {
        _work = Directory.CreateTempSubdirectory("forwarder-capture-formats-").FullName;
        _seed = RepositoryPaths.Scenario("seed-nat-rr");
    }

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    private ReplayRun Replay(string eth2) =>
        ReplayRun.Start(Path.Combine(_seed, "rules"), Path.Combine(_seed, "topology"), [("eth2", eth2)]);

    [Test]
    public void LinuxCookedCapture_IsRefusedNamingTheFileAndItsLinkType()
    {
        var cooked = Path.Combine(_work, "eth2.pcap");
        WriteWithLibpcap(cooked, LinkLayers.LinuxSll, [.. new byte[16], .. IpHeader()]);

        using var run = Replay(cooked);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {cooked}: link type 113 (LINUX_SLL) {Refusal}{Environment.NewLine}"));
        });
    }

    [Test]
    public void RawIpCapture_IsRefusedWithTheFilesLinkTypeNumber()
    {
        // LINKTYPE_RAW is 101 in the file; libpcap calls it DLT_RAW, 12 on Linux. The file's number is the one to show.
        var raw = Path.Combine(_work, "raw.pcap");
        File.WriteAllBytes(raw, ClassicPcap(101, IpHeader()));

        using var run = Replay(raw);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {raw}: link type 101 (RAW) {Refusal}{Environment.NewLine}"));
        });
    }

    [Test]
    public void PcapngLinuxCookedCapture_IsRefusedAlike()
    {
        var cooked = Path.Combine(_work, "cooked.pcapng");
        File.WriteAllBytes(cooked, Pcapng(113, [(1_000_000, [.. new byte[16], .. IpHeader()])]));

        using var run = Replay(cooked);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {cooked}: link type 113 (LINUX_SLL) {Refusal}{Environment.NewLine}"));
        });
    }

    [Test]
    public void PcapngEthernetCapture_ReplaysAsTheSameFramesInClassicPcap()
    {
        var frames = ReadClassicPcap(File.ReadAllBytes(Path.Combine(_seed, "eth2.pcap")));
        var pcapng = Path.Combine(_work, "eth2.pcapng");
        File.WriteAllBytes(pcapng, Pcapng(1, frames));

        using var fromPcapng = Replay(pcapng);
        using var fromPcap = Replay(Path.Combine(_seed, "eth2.pcap"));

        Assert.Multiple(() =>
        {
            Assert.That(fromPcapng.ExitCode, Is.Zero, fromPcapng.StandardError);
            Assert.That(File.ReadAllBytes(fromPcapng.OutputCapture("eth1")), Is.EqualTo(File.ReadAllBytes(fromPcap.OutputCapture("eth1"))));
        });
    }

    [Test]
    public void EmptyFile_IsRefusedAsUnreadable()
    {
        var empty = Path.Combine(_work, "empty.pcap");
        File.WriteAllBytes(empty, []);

        using var run = Replay(empty);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StandardError, Does.StartWith($"forwarder replay: {empty}: not a readable capture ("));
            Assert.That(run.StandardError.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void TextFile_IsRefusedAsUnreadable()
    {
        var text = Path.Combine(_work, "notes.pcap");
        File.WriteAllText(text, "this is not a capture file\n");

        using var run = Replay(text);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StandardError, Does.StartWith($"forwarder replay: {text}: not a readable capture (").And.Contain("unknown file format"));
        });
    }

    [Test]
    public async Task LinuxCookedCapture_FromTheRealProcess_IsOneLineAndExitOne()
    {
        var cooked = Path.Combine(_work, "eth2.pcap");
        WriteWithLibpcap(cooked, LinkLayers.LinuxSll, [.. new byte[16], .. IpHeader()]);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "forwarder.dll"), "replay", "--rules", Path.Combine(_seed, "rules"),
            "--topology", Path.Combine(_seed, "topology"), "--in", $"eth2={cooked}", "--out", Path.Combine(_work, "out"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(1));
            Assert.That(await output, Is.Empty);
            Assert.That(await errors, Is.EqualTo($"forwarder replay: {cooked}: link type 113 (LINUX_SLL) {Refusal}\n"));
        });
    }

    /// <summary>A 20-byte IPv4 header, enough for a frame of a link type without an Ethernet header.</summary>
    private static byte[] IpHeader() => [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];

    private static void WriteWithLibpcap(string path, LinkLayers linkType, byte[] frame)
    {
        using var writer = new CaptureFileWriterDevice(path, FileMode.Create);
        writer.Open(new DeviceConfiguration { LinkLayerType = linkType, Snaplen = 65535 });
        var header = new PcapHeader(1, 0, (uint)frame.Length, (uint)frame.Length);
        writer.Write(frame, ref header);
    }

    /// <summary>A classic little-endian µs pcap file with the given LINKTYPE_ and one frame.</summary>
    private static byte[] ClassicPcap(uint linkType, byte[] frame)
    {
        var bytes = new byte[24 + 16 + frame.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), linkType);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), (uint)frame.Length);
        frame.CopyTo(bytes, 40);
        return bytes;
    }

    private static List<(long Timestamp, byte[] Data)> ReadClassicPcap(byte[] bytes)
    {
        var frames = new List<(long, byte[])>();
        for (var offset = 24; offset + 16 <= bytes.Length;)
        {
            var seconds = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            var microseconds = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8));
            frames.Add(((seconds * 1_000_000L) + microseconds, bytes[(offset + 16)..(offset + 16 + length)]));
            offset += 16 + length;
        }
        return frames;
    }

    /// <summary>A pcapng file: a section header, one interface (µs timestamps, the default), an enhanced packet block per frame.</summary>
    private static byte[] Pcapng(ushort linkType, IEnumerable<(long Timestamp, byte[] Data)> frames)
    {
        using var file = new MemoryStream();
        void Block(uint type, byte[] body)
        {
            var padded = (body.Length + 3) & ~3;
            var length = 12 + padded;
            var block = new byte[length];
            BinaryPrimitives.WriteUInt32LittleEndian(block, type);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), (uint)length);
            body.CopyTo(block, 8);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(length - 4), (uint)length);
            file.Write(block);
        }
        var section = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(section, 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(section.AsSpan(4), 1);
        BinaryPrimitives.WriteInt64LittleEndian(section.AsSpan(8), -1);
        Block(0x0A0D0D0A, section);
        var description = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(description, linkType);
        BinaryPrimitives.WriteUInt32LittleEndian(description.AsSpan(4), 65535);
        Block(1, description);
        foreach (var (timestamp, data) in frames)
        {
            var packet = new byte[20 + data.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), (uint)(timestamp >> 32));
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(8), (uint)timestamp);
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(12), (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(16), (uint)data.Length);
            data.CopyTo(packet, 20);
            Block(6, packet);
        }
        return file.ToArray();
    }
}
