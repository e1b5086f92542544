using Forwarder.Capture.Live;
using Forwarder.Core.Frames;
using Forwarder.Core.Transmit;

namespace Forwarder.Lab.Tests.Director;

/// <summary>
/// The packet-socket transmit path on a real interface: a batch leaves in one sendmmsg, in order, and a frame the
/// device refuses is counted while the rest of the batch goes; the capture reads what waits a group at a time
/// (pcap_dispatch). On loopback, with a capture filtered on a MAC address
/// nothing else uses, so the frames are the test's own. Needs root.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PacketSocketSenderTests
{
    private const string Loopback = "lo";
    private const string Nobody = "02:00:00:00:0e:01";

    [OneTimeSetUp]
    public void NeedsRoot()
    {
        if (Shell.Run("id", ["-u"]).Output.Trim() != "0")
        {
            Assert.Ignore("packet sockets and libpcap on a live interface need root");
        }
    }

    [Test]
    public void ABatch_LeavesInOneSystemCall_InOrder_AndOnlyItsInterfacesFrames()
    {
        using var capture = new LivePort(Loopback, $"ether dst {Nobody}");
        using var sender = new PacketSocketSender(Loopback);
        var batch = new OutputBatch(pinned: true);
        for (var i = 0; i < 50; i++)
        {
            Write(batch, 0, i, 60 + i);
            // Frames for another interface in between are not this sender's.
            Write(batch, 1, 1000 + i, 60);
        }

        Assert.That(sender.Send(batch, 0), Is.EqualTo(50));

        Assert.That(sender.SystemCalls, Is.EqualTo(1));
        Assert.That((sender.Sent, sender.Failures), Is.EqualTo((50L, 0L)));
        var received = Receive(capture, 50);
        Assert.That(received.Select(Sequence), Is.EqualTo(Enumerable.Range(0, 50)), "every frame, in the batch's order");
        Assert.That(received.Select(f => f.Length), Is.EqualTo(Enumerable.Range(0, 50).Select(i => 60 + i)));
    }

    [Test]
    public void AFrameTheDeviceRefuses_IsCounted_AndTheRestOfTheBatchGoes()
    {
        using var capture = new LivePort(Loopback, $"ether dst {Nobody}");
        using var sender = new PacketSocketSender(Loopback);
        var batch = new OutputBatch(bufferBytes: 4 << 20, pinned: true);
        Write(batch, 0, 0, 60);
        // Far longer than loopback's MTU (65536): the kernel refuses this one message (EMSGSIZE).
        Write(batch, 0, 1, 3 << 20);
        Write(batch, 0, 2, 60);

        Assert.That(sender.Send(batch, 0), Is.EqualTo(2));

        Assert.That((sender.Sent, sender.Failures), Is.EqualTo((2L, 1L)));
        Assert.That(Receive(capture, 2).Select(Sequence), Is.EqualTo(new[] { 0, 2 }));
    }

    [Test]
    public void WaitingFrames_AreReadAGroupAtATime_InOrder_AndNoneIsReadTwice()
    {
        using var capture = new LivePort(Loopback, $"ether dst {Nobody}");
        using var sender = new PacketSocketSender(Loopback);
        var batch = new OutputBatch(pinned: true);
        for (var i = 0; i < 20; i++)
        {
            Write(batch, 0, i, 60 + i);
        }
        Assert.That(sender.Send(batch, 0), Is.EqualTo(20));
        var buffers = Enumerable.Range(0, 8).Select(_ => new byte[1 << 17]).ToArray();
        var lengths = new int[8];
        var times = new long[8];
        var counts = new List<int>();
        var sequences = new List<int>();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (sequences.Count < 20 && DateTime.UtcNow < until)
        {
            var read = capture.TryReadMany(buffers, lengths, times, 8);
            if (read > 0)
            {
                counts.Add(read);
                sequences.AddRange(Enumerable.Range(0, read).Select(i => BitConverter.ToInt32(buffers[i], 14)));
                Assert.That(Enumerable.Range(0, read).Select(i => lengths[i]), Is.EqualTo(Enumerable.Range(0, read).Select(i => 60 + BitConverter.ToInt32(buffers[i], 14))));
            }
        }
        Thread.Sleep(100);

        Assert.Multiple(() =>
        {
            Assert.That(sequences, Is.EqualTo(Enumerable.Range(0, 20)), "every frame once, in order");
            Assert.That(counts, Has.All.InRange(1, 8), "never more than asked for");
            Assert.That(counts.Max(), Is.GreaterThan(1), "frames that wait together are read in one call");
            Assert.That(capture.TryReadMany(buffers, lengths, times, 8), Is.Zero, "nothing left: 0 at once");
            Assert.That(capture.Received, Is.EqualTo(20));
            Assert.That(capture.TryReadMany(buffers, lengths, times, 0), Is.Zero);
        });
    }

    [Test]
    public void TheCapture_AsksTheKernelToLeaveOutTheFramesTheHostSends()
    {
        using var capture = new LivePort(Loopback, $"ether dst {Nobody}");

        // Read back from the kernel (PACKET_IGNORE_OUTGOING): each frame the director sends is then not cloned for
        // its own capture only to be filtered away.
        var value = 0;
        var length = (uint)sizeof(int);
        Assert.That(GetOption(capture.ReadinessDescriptor, 263, 23, ref value, ref length), Is.Zero);
        Assert.That((capture.IgnoresOutgoing, value), Is.EqualTo((true, 1)));

        // Frames still arrive: on loopback each is sent (outgoing, left out) and received (inbound).
        using var sender = new PacketSocketSender(Loopback);
        var batch = new OutputBatch(pinned: true);
        Write(batch, 0, 7, 60);
        Assert.That(sender.Send(batch, 0), Is.EqualTo(1));
        Assert.That(Receive(capture, 1).Select(Sequence), Is.EqualTo(new[] { 7 }));
    }

    [Test]
    public void EachFrame_LeavesWithTheEtherTypeItsOwnHeaderNames()
    {
        // The messages name no address, so the kernel takes each frame's EtherType from its Ethernet header. A tap
        // on the interface reads it back from the frames the host sends (sll_protocol of PACKET_OUTGOING).
        using var tap = new OutgoingTap(Loopback);
        using var sender = new PacketSocketSender(Loopback);
        var batch = new OutputBatch(pinned: true);
        Write(batch, 0, 1, 60, etherType: 0x88b5);
        Write(batch, 0, 2, 60, etherType: 0x88b6);
        Write(batch, 0, 3, 60, etherType: 0x0806);

        Assert.That(sender.Send(batch, 0), Is.EqualTo(3));

        Assert.That(tap.ProtocolsOfOutgoingTo(Nobody, 3), Is.EqualTo(new[] { 0x88b5, 0x88b6, 0x0806 }));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getsockopt")]
    private static extern int GetOption(int socket, int level, int option, ref int value, ref uint length);

    /// <summary>A frame to <see cref="Nobody"/> whose bytes 14-17 carry <paramref name="sequence"/>.</summary>
    private static void Write(OutputBatch batch, int interfaceIndex, int sequence, int length, int etherType = 0x88b5)
    {
        var frame = batch.Add(interfaceIndex, length);
        frame.Clear();
        Assert.That(MacAddress.TryParse(interfaceIndex == 0 ? Nobody : "02:00:00:00:0e:02", out var mac), Is.True);
        mac.Write(frame[..6]);
        Assert.That(MacAddress.TryParse("02:00:00:00:0e:fe", out var source), Is.True);
        source.Write(frame.Slice(6, 6));
        // By default a local experimental EtherType: no stack on the host takes these frames.
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        BitConverter.TryWriteBytes(frame.Slice(14, 4), sequence);
    }

    private static int Sequence(byte[] frame) => BitConverter.ToInt32(frame, 14);

    private static List<byte[]> Receive(LivePort capture, int count)
    {
        var buffer = new byte[1 << 17];
        var frames = new List<byte[]>();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (frames.Count < count && DateTime.UtcNow < until)
        {
            if (capture.TryReceive(buffer, out var length, out _))
            {
                frames.Add(buffer.AsSpan(0, length).ToArray());
            }
        }
        // Nothing more than what was sent arrives.
        Thread.Sleep(100);
        while (capture.TryRead(buffer, out var length, out _))
        {
            frames.Add(buffer.AsSpan(0, length).ToArray());
        }
        return frames;
    }
}
