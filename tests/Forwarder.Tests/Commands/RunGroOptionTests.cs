using Forwarder.Commands;

namespace Forwarder.Tests.Commands;

/// <summary>
/// run --gro needs a packet socket that hands merged frames to the kernel's segmentation: with libpcap sending, or
/// with the socket past the queueing discipline (where the kernel drops what it would have to cut), it is refused at start.
/// </summary>
public sealed class RunGroOptionTests
{
    [Test]
    public void GroWithPcapTransmit_IsRefusedBeforeAnInterfaceIsLookedAt()
    {
        var errors = new StringWriter();

        var status = RunCommand.Run(new RunOptions { Gro = true, Transmit = "pcap", PublicInterface = "no-such-if0", Check = true }, TextWriter.Null, errors);

        Assert.That(status, Is.EqualTo(1));
        Assert.That(errors.ToString(), Is.EqualTo("forwarder run: --gro needs a packet socket to send with: --transmit sendmmsg, not pcap\n"));
    }

    [Test]
    public void GroWithTheQdiscBypassed_IsRefusedBeforeAnInterfaceIsLookedAt()
    {
        var errors = new StringWriter();

        var status = RunCommand.Run(new RunOptions { Gro = true, Transmit = "sendmmsg-bypass", PublicInterface = "no-such-if0", Check = true }, TextWriter.Null, errors);

        Assert.That(status, Is.EqualTo(1));
        Assert.That(errors.ToString(), Is.EqualTo("forwarder run: --gro needs the kernel to cut merged frames on the way out: --transmit sendmmsg, not sendmmsg-bypass (past the queueing discipline it drops them)\n"));
    }
}
