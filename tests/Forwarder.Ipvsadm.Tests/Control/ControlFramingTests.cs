using System.Buffers.Binary;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>The documented wire format: magic, big-endian length, length-prefixed UTF-8 strings.</summary>
public sealed class ControlFramingTests
{
    [Test]
    public async Task Request_IsLaidOutAsDocumented()
    {
        using var stream = new MemoryStream();

        await ControlFraming.WriteRequestAsync(stream, new IpvsadmInvocation(["-Ln"], "x"), CancellationToken.None);

        Assert.That(stream.ToArray(), Is.EqualTo(new byte[]
        {
            (byte)'F', (byte)'W', (byte)'Q', (byte)'1', 0, 0, 0, 16,
            0, 0, 0, 1, 0, 0, 0, 3, (byte)'-', (byte)'L', (byte)'n', 0, 0, 0, 1, (byte)'x',
        }));
    }

    [Test]
    public async Task Response_RoundTrips_WithNonAsciiAndNegativeStatus()
    {
        using var stream = new MemoryStream();
        var result = new IpvsadmResult(-1, "TCP  例え:80 rr\n", "é\n");

        await ControlFraming.WriteResponseAsync(stream, result, CancellationToken.None);
        stream.Position = 0;

        Assert.That(await ControlFraming.ReadResponseAsync(stream, CancellationToken.None), Is.EqualTo(result));
    }

    [Test]
    public void OversizedRequest_IsRefusedBeforeItIsRead_NamingTheLimit()
    {
        var header = new byte[8];
        "FWQ1"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), ControlFraming.MaximumPayloadBytes + 1u);
        using var stream = new MemoryStream(header);

        Assert.That(async () => await ControlFraming.ReadRequestAsync(stream, CancellationToken.None),
            Throws.InstanceOf<ControlRequestRefusedException>().With.Message.EqualTo(
                "a request of 16777217 bytes is over the control socket's limit of 16777216 bytes (16 MiB)"));
    }

    [Test]
    public void CutShortFrame_IsAProtocolError()
    {
        using var stream = new MemoryStream([(byte)'F', (byte)'W', (byte)'Q', (byte)'1', 0, 0, 0, 9, 0]);

        Assert.That(async () => await ControlFraming.ReadRequestAsync(stream, CancellationToken.None),
            Throws.InstanceOf<ControlProtocolException>());
    }
}
