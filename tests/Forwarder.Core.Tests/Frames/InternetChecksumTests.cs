using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Frames;

public sealed class InternetChecksumTests
{
    [Test]
    public void Compute_Rfc1071Example_SumIsDdf2AndChecksumIs220d()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to 0xddf2 after folding.
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];

        Assert.Multiple(() =>
        {
            Assert.That(InternetChecksum.Compute(data), Is.EqualTo(0x220D));
            Assert.That(InternetChecksum.Finish(InternetChecksum.Add(0, data)), Is.EqualTo(0x220D));
        });
    }

    [Test]
    public void Compute_KnownIpv4Header_IsB861()
    {
        // The classic worked example: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
        byte[] header = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7];

        Assert.That(InternetChecksum.Compute(header), Is.EqualTo(0xB861));
    }

    [Test]
    public void Compute_HeaderWithItsChecksumInPlace_IsZero()
    {
        byte[] header = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xB8, 0x61, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7];

        Assert.That(InternetChecksum.Compute(header), Is.Zero);
    }

    [Test]
    public void Compute_OddLength_PadsLastByteWithZero()
    {
        // 0x0102 + 0x0300 = 0x0402, complemented 0xfbfd.
        byte[] data = [0x01, 0x02, 0x03];

        Assert.That(InternetChecksum.Compute(data), Is.EqualTo(0xFBFD));
    }

    [Test]
    public void Compute_SingleByte_IsThatByteAsHighHalf()
    {
        Assert.That(InternetChecksum.Compute([0xAB]), Is.EqualTo(0x54FF));
    }

    [Test]
    public void Compute_Empty_IsFfff()
    {
        Assert.That(InternetChecksum.Compute([]), Is.EqualTo(0xFFFF));
    }

    [Test]
    public void Compute_RandomBuffersOfEveryLengthUpTo300_EqualsReference()
    {
        var random = new Random(1071);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.That(InternetChecksum.Compute(data), Is.EqualTo(ReferenceChecksum.Compute(data)), $"length {length}");
        }
    }

    [Test]
    public void Compute_AllOnesBufferOfManyWords_FoldsCarriesCorrectly()
    {
        // 70000 bytes of 0xff: carries beyond 32 bits of a naive accumulator must still fold.
        var data = new byte[70_000];
        Array.Fill(data, (byte)0xFF);

        Assert.That(InternetChecksum.Compute(data), Is.EqualTo(ReferenceChecksum.Compute(data)));
    }

    [Test]
    public void Add_InPiecesOfEvenLength_EqualsAddAtOnce()
    {
        var random = new Random(7);
        var data = new byte[123];
        random.NextBytes(data);

        var pieces = InternetChecksum.Add(InternetChecksum.Add(InternetChecksum.Add(0, data.AsSpan(0, 10)), data.AsSpan(10, 64)), data.AsSpan(74));

        Assert.That(InternetChecksum.Finish(pieces), Is.EqualTo(ReferenceChecksum.Compute(data)));
    }

    [Test]
    public void Update16_OnManyRandomHeaders_EqualsFullRecomputation()
    {
        var random = new Random(1624);
        for (var round = 0; round < 20_000; round++)
        {
            var header = RandomHeaderWithChecksum(random);
            var wordOffset = random.Next(0, 10) * 2;
            if (wordOffset == 10)
            {
                continue;
            }
            var oldWord = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(wordOffset));
            var newWord = (ushort)random.Next(0, 0x10000);
            var oldChecksum = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(10));

            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(wordOffset), newWord);
            var expected = RecomputeChecksum(header);

            Assert.That(InternetChecksum.Update16(oldChecksum, oldWord, newWord), Is.EqualTo(expected), $"round {round}");
        }
    }

    [Test]
    public void Update32_OnManyRandomHeaders_EqualsFullRecomputation()
    {
        var random = new Random(3224);
        for (var round = 0; round < 20_000; round++)
        {
            var header = RandomHeaderWithChecksum(random);
            var offset = random.Next(0, 2) == 0 ? 12 : 16;
            var oldValue = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(offset));
            var newValue = (uint)random.NextInt64(0, 1L << 32);
            var oldChecksum = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(10));

            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(offset), newValue);
            var expected = RecomputeChecksum(header);

            Assert.That(InternetChecksum.Update32(oldChecksum, oldValue, newValue), Is.EqualTo(expected), $"round {round}");
        }
    }

    [Test]
    public void Update16_EditMakingTrueChecksumZero_GivesZeroNotFfff()
    {
        // Words 0x1234 and m; the checksum of the edited header is ~(0x1234 + 0xedcb) = ~0xffff = 0x0000.
        var before = Header(0x1234, 0x0001);
        var oldChecksum = ReferenceChecksum.Compute(before);
        Assert.That(oldChecksum, Is.EqualTo(0xEDCA));
        Assert.That(ReferenceChecksum.Compute(Header(0x1234, 0xEDCB)), Is.Zero, "the edited header's true checksum");

        Assert.That(InternetChecksum.Update16(oldChecksum, 0x0001, 0xEDCB), Is.EqualTo(0x0000));
    }

    [Test]
    public void Update16_EditFromTrueChecksumZero_GivesTheRecomputedValue()
    {
        // The reverse of the corner: start from a header whose checksum is 0x0000.
        Assert.That(ReferenceChecksum.Compute(Header(0x1234, 0xEDCB)), Is.Zero);
        var expected = ReferenceChecksum.Compute(Header(0x1234, 0x0001));

        Assert.That(InternetChecksum.Update16(0x0000, 0xEDCB, 0x0001), Is.EqualTo(expected).And.EqualTo(0xEDCA));
    }

    [Test]
    public void Update32_EditMakingTrueChecksumZero_GivesZeroNotFfff()
    {
        // Words 0x1234, then an address; the new address 0x8000_6dcb makes the sum 0x1234 + 0x8000 + 0x6dcb = 0xffff.
        var before = Header(0x1234, 0x0A00, 0x0001);
        var oldChecksum = ReferenceChecksum.Compute(before);
        Assert.That(ReferenceChecksum.Compute(Header(0x1234, 0x8000, 0x6DCB)), Is.Zero, "the edited header's true checksum");

        Assert.That(InternetChecksum.Update32(oldChecksum, 0x0A00_0001, 0x8000_6DCB), Is.EqualTo(0x0000));
    }

    [Test]
    public void Update32_EditFromTrueChecksumZero_GivesTheRecomputedValue()
    {
        var expected = ReferenceChecksum.Compute(Header(0x1234, 0x0A00, 0x0001));

        Assert.That(InternetChecksum.Update32(0x0000, 0x8000_6DCB, 0x0A00_0001), Is.EqualTo(expected));
    }

    [Test]
    public void Update16_RandomEditsLandingOnZero_AllGiveZero()
    {
        // Many headers built so the edited header's true checksum is 0: choose the new word to complete 0xffff.
        var random = new Random(99);
        for (var round = 0; round < 2_000; round++)
        {
            var prefix = (ushort)random.Next(1, 0xFFFF);
            var oldWord = (ushort)random.Next(0, 0x10000);
            var newWord = (ushort)(0xFFFF - prefix);
            Assert.That(ReferenceChecksum.Compute(Header(prefix, newWord)), Is.Zero);

            var oldChecksum = ReferenceChecksum.Compute(Header(prefix, oldWord));

            Assert.That(InternetChecksum.Update16(oldChecksum, oldWord, newWord), Is.Zero, $"prefix {prefix:x4} old {oldWord:x4}");
        }
    }

    private static byte[] Header(params ushort[] words)
    {
        var bytes = new byte[words.Length * 2];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i * 2), words[i]);
        }
        return bytes;
    }

    private static byte[] RandomHeaderWithChecksum(Random random)
    {
        var header = new byte[20];
        random.NextBytes(header);
        header[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), RecomputeChecksum(header));
        return header;
    }

    private static ushort RecomputeChecksum(byte[] header)
    {
        var copy = (byte[])header.Clone();
        copy[10] = 0;
        copy[11] = 0;
        return ReferenceChecksum.Compute(copy);
    }
}
