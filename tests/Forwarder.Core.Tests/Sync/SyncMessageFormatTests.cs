using Forwarder.Core.Sync;

namespace Forwarder.Core.Tests.Sync;

/// <summary>Sync messages written and read as the kernel's ip_vs_sync.c lays them out, byte for byte.</summary>
public sealed class SyncMessageFormatTests
{
    private static SyncEntry Tcp(KernelConnectionFlags flags, ushort state, ushort cport, ushort vport, ushort dport, uint timeout, uint caddr, uint vaddr, uint daddr) => new()
    {
        Protocol = 6,
        Flags = flags,
        State = state,
        ClientPort = cport,
        VirtualPort = vport,
        DestinationPort = dport,
        TimeoutSeconds = timeout,
        ClientAddress = caddr,
        VirtualAddress = vaddr,
        DestinationAddress = daddr,
    };

    private static readonly SyncEntry[] ClosingEntries =
    [
        Tcp(KernelConnectionFlags.Inactive, 7, 40001, 80, 8080, 60, 0x0a070001, 0xc0a8010a, 0xc0a88b0b),
        Tcp(KernelConnectionFlags.Inactive | KernelConnectionFlags.NoOutput | KernelConnectionFlags.DirectRoute, 6, 40002, 443, 443, 10, 0x0a070002, 0xc0a8010b, 0xc0a88b0a),
        Tcp(KernelConnectionFlags.Template | KernelConnectionFlags.Inactive | KernelConnectionFlags.NoOutput | KernelConnectionFlags.DirectRoute, 1, 0, 443, 443, 600, 0x0a070002, 0xc0a8010b, 0xc0a88b0a),
    ];

    [Test]
    public void Builder_WritesTheKernelsMessage_ByteForByte()
    {
        var builder = new SyncMessageBuilder(syncId: 9, maximumLength: 1472);
        foreach (var entry in ClosingEntries)
        {
            Assert.That(builder.TryAdd(entry, now: 0), Is.True);
        }

        Assert.That(builder.Message.ToArray(), Is.EqualTo(KernelSyncBytes.ClosingFlows));
    }

    [Test]
    public void Reader_ReadsTheKernelsMessage_FieldByField()
    {
        var reader = new SyncMessageReader(KernelSyncBytes.ClosingFlows, acceptedSyncId: 9);
        var read = new List<SyncEntry>();
        while (reader.TryNext(out var entry, out var skip))
        {
            Assert.That(skip, Is.EqualTo(SyncEntryProblem.None));
            read.Add(entry);
        }

        Assert.That((reader.Problem, reader.IsVersion0, reader.SyncId, reader.DeclaredCount), Is.EqualTo((SyncMessageProblem.None, false, (byte)9, 3)));
        // A backup marks what it reads as synced; otherwise each field is what was sent.
        Assert.That(read, Is.EqualTo(ClosingEntries.Select(e => e with { Flags = e.Flags | KernelConnectionFlags.Synced })));
    }

    [Test]
    public void KernelsOpeningMessage_ReadsAndWritesBackTheSame()
    {
        var bytes = KernelSyncBytes.FromHex(KernelSyncBytes.OpeningFlowsHex);
        var reader = new SyncMessageReader(bytes, acceptedSyncId: 0);
        var builder = new SyncMessageBuilder(9, 1472);
        while (reader.TryNext(out var entry, out _))
        {
            builder.TryAdd(entry with { Flags = entry.Flags & ~KernelConnectionFlags.Synced }, 0);
        }

        Assert.That((reader.Problem, builder.Count), Is.EqualTo((SyncMessageProblem.None, 6)));
        Assert.That(builder.Message.ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void SequenceOption_FollowsTheAddresses_AndPadsTheNextEntry()
    {
        var withSequence = Tcp(KernelConnectionFlags.InSequence, 1, 1025, 21, 21, 900, 0x0a000001, 0x0a000002, 0x0a000003) with
        {
            HasSequence = true,
            InSequence = new SyncSequence(0x11111111, 0x22222222, 0x33333333),
            OutSequence = new SyncSequence(0x44444444, 0x55555555, 0x66666666),
        };
        var plain = Tcp(0, 1, 1026, 21, 21, 900, 0x0a000001, 0x0a000002, 0x0a000003);
        var builder = new SyncMessageBuilder(1, 1472);
        builder.TryAdd(withSequence, 0);
        builder.TryAdd(plain, 0);

        byte[] expected =
        [
            // Header: syncid 1, size 8 + 62 + 2 + 36 = 108, 2 entries.
            0x00, 0x01, 0x00, 0x6c, 0x02, 0x01, 0x00, 0x00,
            // Entry 1: IPv4 TCP, ver_size 62 (36 + option type and length + 24), flags IP_VS_CONN_F_IN_SEQ (0x400).
            0x00, 0x06, 0x00, 0x3e, 0x00, 0x00, 0x04, 0x00,
            // state 1, cport 1025, vport 21, dport 21, fwmark 0, timeout 900.
            0x00, 0x01, 0x04, 0x01, 0x00, 0x15, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x84,
            // 10.0.0.1, 10.0.0.2, 10.0.0.3.
            0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x03,
            // IPVS_OPT_SEQ_DATA (1), length 24: in_seq (init_seq, delta, previous_delta), then out_seq.
            0x01, 0x18,
            0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x33, 0x33, 0x33, 0x33,
            0x44, 0x44, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x66, 0x66, 0x66, 0x66,
            // Two bytes of padding: the next entry starts on a 4-byte boundary (offset 72).
            0x00, 0x00,
            // Entry 2: IPv4 TCP, 36 bytes, flags 0, ESTABLISHED, 1026 -> 21 -> 21, timeout 900, the same addresses.
            0x00, 0x06, 0x00, 0x24, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x01, 0x04, 0x02, 0x00, 0x15, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x84,
            0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x03,
        ];
        Assert.That(builder.Message.ToArray(), Is.EqualTo(expected));

        var reader = new SyncMessageReader(expected, 0);
        Assert.That(reader.TryNext(out var first, out _), Is.True);
        Assert.That(reader.TryNext(out var second, out _), Is.True);
        Assert.That((first.HasSequence, first.InSequence, first.OutSequence, second.ClientPort),
            Is.EqualTo((true, withSequence.InSequence, withSequence.OutSequence, (ushort)1026)));
    }

    [Test]
    public void Ipv6Entry_IsRead_WithItsSixteenByteAddresses()
    {
        byte[] message =
        [
            // Header: syncid 0, size 8 + 72 = 80, one entry.
            0x00, 0x00, 0x00, 0x50, 0x01, 0x01, 0x00, 0x00,
            // type 1 (STYPE_F_INET6), UDP, ver_size 72; flags 0x100 (inactive, masquerading).
            0x01, 0x11, 0x00, 0x48, 0x00, 0x00, 0x01, 0x00,
            // state 0, cport 5353, vport 53, dport 53, fwmark 0, timeout 300.
            0x00, 0x00, 0x14, 0xe9, 0x00, 0x35, 0x00, 0x35, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x2c,
            // caddr 2001:db8::1
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
            // vaddr 2001:db8::2
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
            // daddr 2001:db8:1::3
            0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03,
        ];
        var reader = new SyncMessageReader(message, 0);

        Assert.That(reader.TryNext(out var entry, out var skip), Is.True);
        Assert.That((entry.IsIpv6, entry.Protocol, entry.ClientPort, entry.TimeoutSeconds, skip), Is.EqualTo((true, (byte)17, (ushort)5353, 300u, SyncEntryProblem.None)));
        Assert.That(entry.ClientAddress, Is.EqualTo(UInt128.Parse("20010db8000000000000000000000001", System.Globalization.NumberStyles.HexNumber)));
        Assert.That(entry.DestinationAddress, Is.EqualTo(UInt128.Parse("20010db8000100000000000000000003", System.Globalization.NumberStyles.HexNumber)));
        Assert.That(reader.TryNext(out _, out _), Is.False);
        Assert.That(reader.Problem, Is.EqualTo(SyncMessageProblem.None));

        var builder = new SyncMessageBuilder(0, 1472);
        builder.TryAdd(entry with { Flags = KernelConnectionFlags.Inactive }, 0);
        Assert.That(builder.Message.ToArray(), Is.EqualTo(message));
    }

    [Test]
    public void Version0Message_IsReadAsTheKernelStillReadsIt()
    {
        byte[] message =
        [
            // v0 header: 2 connections, syncid 5, size 4 + 24 + 48 = 76.
            0x02, 0x05, 0x00, 0x4c,
            // reserved, TCP, cport 40001, vport 80, dport 8080.
            0x00, 0x06, 0x9c, 0x41, 0x00, 0x50, 0x1f, 0x90,
            // caddr 10.7.0.1, vaddr 192.168.1.10, daddr 192.168.139.11.
            0x0a, 0x07, 0x00, 0x01, 0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x8b, 0x0b,
            // flags (16 bits) 0x0000, state 1 (ESTABLISHED).
            0x00, 0x00, 0x00, 0x01,
            // A second connection with IP_VS_CONN_F_OUT_SEQ (0x200): its 24 bytes of sequence options follow.
            0x00, 0x06, 0x9c, 0x42, 0x00, 0x50, 0x1f, 0x90,
            0x0a, 0x07, 0x00, 0x02, 0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x8b, 0x0b,
            0x02, 0x00, 0x00, 0x01,
            0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6,
        ];
        var reader = new SyncMessageReader(message, acceptedSyncId: 5);
        var entries = new List<SyncEntry>();
        while (reader.TryNext(out var entry, out _))
        {
            entries.Add(entry);
        }

        Assert.That((reader.IsVersion0, reader.Problem, entries.Count), Is.EqualTo((true, SyncMessageProblem.None, 2)));
        Assert.That((entries[0].ClientPort, entries[0].State, entries[0].TimeoutSeconds, entries[0].Flags), Is.EqualTo(((ushort)40001, (ushort)1, 0u, KernelConnectionFlags.Synced)));
        Assert.That((entries[1].HasSequence, entries[1].OutSequence), Is.EqualTo((true, new SyncSequence(4, 5, 6))));
    }

    [Test]
    public void FullMessage_StartsTheNext_AtSyncMaxlen()
    {
        // 1472 bytes hold the header and 40 entries of 36 bytes (8 + 1440 = 1448); the 41st goes in the next message.
        var builder = new SyncMessageBuilder(0, 1472);
        var entry = ClosingEntries[0];
        var taken = 0;
        while (builder.TryAdd(entry, 0))
        {
            taken++;
        }

        Assert.That((taken, builder.Length), Is.EqualTo((40, 1448)));
    }

    [Test]
    public void OneEntryLongerThanSyncMaxlen_StillGoes_AloneInItsMessage()
    {
        var builder = new SyncMessageBuilder(0, 10);

        Assert.That(builder.TryAdd(ClosingEntries[0], 0), Is.True);
        Assert.That(builder.TryAdd(ClosingEntries[0], 0), Is.False);
        Assert.That(builder.Message.Length, Is.EqualTo(44));
    }

    [Test]
    public void EntryCount_StopsAt255_TheHeadersOneByte()
    {
        var builder = new SyncMessageBuilder(0, 65507);
        var count = 0;
        while (builder.TryAdd(ClosingEntries[0], 0))
        {
            count++;
        }

        Assert.That((count, builder.Message[SyncProtocol.HeaderCountOffset]), Is.EqualTo((255, (byte)255)));
    }
}
