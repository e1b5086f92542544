using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Sync;
using Forwarder.Core.Tests.Engine;

namespace Forwarder.Core.Tests.Sync;

/// <summary>Bad messages as a backup meets them: each drop is counted by its reason, none throws, and reading stays within the datagram.</summary>
public sealed class HostileSyncMessageTests
{
    private static byte[] Closing() => (byte[])KernelSyncBytes.ClosingFlows.Clone();

    private static (SyncMessageProblem Problem, int Taken, List<SyncEntryProblem> Skips) Read(byte[] message, byte syncId = 0)
    {
        var reader = new SyncMessageReader(message, syncId);
        var taken = 0;
        var skips = new List<SyncEntryProblem>();
        while (reader.TryNext(out _, out var skip))
        {
            if (skip == SyncEntryProblem.None)
            {
                taken++;
            }
            else
            {
                skips.Add(skip);
            }
        }
        return (reader.Problem, taken, skips);
    }

    /// <summary>Sets the header's size to the datagram's length, as a sender that means its bytes would.</summary>
    private static byte[] Sized(byte[] message)
    {
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)message.Length);
        return message;
    }

    [Test]
    public void EveryTruncation_IsRefusedByItsSize_OrReadSafely()
    {
        var whole = KernelSyncBytes.ClosingFlows;
        for (var length = 0; length < whole.Length; length++)
        {
            var cut = whole[..length];
            Assert.That(Read(cut).Problem, Is.EqualTo(length < 4 ? SyncMessageProblem.HeaderTooShort : SyncMessageProblem.SizeMismatch), $"{length} bytes");
            // Resized to match, the cut message's last entry runs past its end.
            if (length >= 8)
            {
                var (problem, taken, _) = Read(Sized(cut.ToArray()));
                Assert.That(problem, Is.EqualTo(SyncMessageProblem.EntryPastEnd), $"{length} bytes, resized");
                Assert.That(taken, Is.EqualTo((length - 8) / 36), $"{length} bytes, resized");
            }
        }
    }

    [Test]
    public void OtherSyncId_IsIgnored_ZeroTakesAll()
    {
        Assert.That(Read(Closing(), syncId: 8).Problem, Is.EqualTo(SyncMessageProblem.OtherSyncId));
        Assert.That(Read(Closing(), syncId: 0).Taken, Is.EqualTo(3));
    }

    [Test]
    public void EntryOfAnotherVersion_StopsTheMessage_AfterTheEntriesBefore()
    {
        var message = Closing();
        message[8 + 36 + 2] = 0x10;

        Assert.That(Read(message), Is.EqualTo((SyncMessageProblem.UnknownEntryVersion, 1, new List<SyncEntryProblem>())).Using(new TupleComparer()));
    }

    [TestCase(0x02, Description = "an unknown type bit")]
    public void UnknownType_IsMalformed(byte type)
    {
        var message = Closing();
        message[8] = type;

        Assert.That(Read(message).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry));
    }

    [Test]
    public void SizeSmallerThanTheAddresses_IsMalformed()
    {
        var message = Closing();
        message[8 + 3] = 20;

        Assert.That(Read(message).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry));
    }

    [Test]
    public void Ipv6TypeOnAnIpv4SizedEntry_IsMalformed()
    {
        var message = Closing();
        message[8] = SyncProtocol.TypeIpv6;

        Assert.That(Read(message).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry));
    }

    /// <summary>A one-entry message whose entry carries <paramref name="options"/> after its addresses.</summary>
    private static byte[] WithOptions(params byte[] options)
    {
        var message = new byte[8 + 36 + options.Length];
        KernelSyncBytes.ClosingFlows.AsSpan(0, 8 + 36).CopyTo(message);
        options.CopyTo(message, 8 + 36);
        message[4] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(8 + 2), (ushort)(36 + options.Length));
        return Sized(message);
    }

    [Test]
    public void Options_AreCheckedAsTheKernelChecksThem()
    {
        var sequence = new byte[] { 1, 24 }.Concat(new byte[24]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Read(WithOptions(sequence)).Taken, Is.EqualTo(1), "a sequence option");
            Assert.That(Read(WithOptions([1])).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry), "half an option header");
            Assert.That(Read(WithOptions([1, 0, 0, 0])).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry), "an option of length 0");
            Assert.That(Read(WithOptions([1, 30, 0, 0])).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry), "an option past the entry");
            Assert.That(Read(WithOptions([1, 4, 0, 0, 0, 0])).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry), "a sequence option of 4 bytes");
            Assert.That(Read(WithOptions([.. sequence, .. sequence])).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry), "two sequence options");
            Assert.That(Read(WithOptions([3, 17, .. new byte[17], 0, 0, 0])).Problem, Is.EqualTo(SyncMessageProblem.MalformedEntry), "a 17-byte engine name");
            Assert.That(Read(WithOptions([9, 2, 0, 0])).Skips, Is.EqualTo(new[] { SyncEntryProblem.UnknownMandatoryOption }), "an unknown option");
            Assert.That(Read(WithOptions([0x49, 2, 0, 0])).Taken, Is.EqualTo(1), "an unknown option marked skippable");
            Assert.That(Read(WithOptions([2, 2, 0xaa, 0xbb])).Skips, Is.EqualTo(new[] { SyncEntryProblem.PersistenceEngine }), "engine data without its engine");
        });
    }

    [Test]
    public void BadStateOrProtocol_SkipsThatEntryOnly()
    {
        var badState = Closing();
        BinaryPrimitives.WriteUInt16BigEndian(badState.AsSpan(8 + 8), 11);
        var badProtocol = Closing();
        badProtocol[8 + 36 + 1] = 99;
        var templateState = Closing();
        BinaryPrimitives.WriteUInt16BigEndian(templateState.AsSpan(8 + 72 + 8), 9);

        Assert.That(Read(badState), Is.EqualTo((SyncMessageProblem.None, 2, new List<SyncEntryProblem> { SyncEntryProblem.InvalidState })).Using(new TupleComparer()));
        Assert.That(Read(badProtocol), Is.EqualTo((SyncMessageProblem.None, 2, new List<SyncEntryProblem> { SyncEntryProblem.UnsupportedProtocol })).Using(new TupleComparer()));
        // A template's state is not checked.
        Assert.That(Read(templateState).Taken, Is.EqualTo(3));
    }

    [Test]
    public void AnnouncedEntriesBeyondTheBytes_StopAtTheEnd()
    {
        var message = Closing();
        message[4] = 200;

        Assert.That(Read(message), Is.EqualTo((SyncMessageProblem.EntryPastEnd, 3, new List<SyncEntryProblem>())).Using(new TupleComparer()));
    }

    [Test]
    public void RandomMutations_NeverThrow_AndTheBackupCountsEveryMessage()
    {
        var rig = new EngineRig();
        var backup = new SyncBackup(rig.Connections, rig.Services, rig.Engine.Neighbors, syncId: 0);
        var random = new Random(1414);
        var seeds = new[] { KernelSyncBytes.ClosingFlows, KernelSyncBytes.FromHex(KernelSyncBytes.OpeningFlowsHex) };
        const int Messages = 20_000;
        for (var i = 0; i < Messages; i++)
        {
            var message = (byte[])seeds[i % 2].Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                message[random.Next(message.Length)] = (byte)random.Next(256);
            }
            if (random.Next(2) == 0)
            {
                message = message[..random.Next(message.Length + 1)];
            }
            if (random.Next(2) == 0 && message.Length >= 4)
            {
                Sized(message);
            }
            backup.Apply(message, EngineRig.Start + i);
        }

        Assert.That(backup.Counters.MessagesReceived, Is.EqualTo(Messages));
        Assert.That(rig.Connections.Count, Is.LessThanOrEqualTo(rig.Connections.Maximum));
    }

    /// <summary>Compares (problem, taken, skips) tuples with the list compared by its items.</summary>
    private sealed class TupleComparer : IEqualityComparer<(SyncMessageProblem, int, List<SyncEntryProblem>)>
    {
        public bool Equals((SyncMessageProblem, int, List<SyncEntryProblem>) x, (SyncMessageProblem, int, List<SyncEntryProblem>) y) =>
            x.Item1 == y.Item1 && x.Item2 == y.Item2 && x.Item3.SequenceEqual(y.Item3);

        public int GetHashCode((SyncMessageProblem, int, List<SyncEntryProblem>) obj) => obj.Item1.GetHashCode();
    }
}
