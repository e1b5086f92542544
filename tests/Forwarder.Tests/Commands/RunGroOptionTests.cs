using Forwarder.Commands;

namespace Forwarder.Tests.Commands;

/// <summary>run --gro needs a packet socket to hand merged frames to the kernel: with libpcap sending, it is refused at start.</summary>
public sealed class RunGroOptionTests
{
    [Test]
    public void GroWithPcapTransmit_IsRefusedBeforeAnInterfaceIsLookedAt()
    {
        var errors = new StringWriter();

        var status = RunCommand.Run(new RunOptions { Gro = true, Transmit = "pcap", PublicInterface = "no-such-if0", Check = true }, TextWriter.Null, errors);

        Assert.That(status, Is.EqualTo(1));
        Assert.That(errors.ToString(), Is.EqualTo("forwarder run: --gro needs a packet socket to send with: --transmit sendmmsg or sendmmsg-bypass, not pcap\n"));
    }
}
