using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace Forwarder.Replay.Tests.Scenarios;

/// <summary>
/// The seed's NAT experiment checked field by field: what the director sends each way must be the
/// input frame with exactly the NAT edits, and every checksum valid.
/// </summary>
[TestFixture]
public sealed class SeedNatFieldTests
{
    private static readonly PhysicalAddress DirectorPublicMac = PhysicalAddress.Parse("02-00-00-00-01-71");
    private static readonly PhysicalAddress DirectorPrivateMac = PhysicalAddress.Parse("02-00-00-00-8B-8E");
    private static readonly PhysicalAddress ClientMac = PhysicalAddress.Parse("02-00-00-00-01-6A");
    private static readonly IPAddress Vip = IPAddress.Parse("192.168.1.199");
    private static readonly IPAddress Client = IPAddress.Parse("192.168.1.106");

    private ReplayRun _run = null!;
    private string _scenario = null!;

    [OneTimeSetUp]
    public void ReplayTheSeed()
    {
        _scenario = RepositoryPaths.Scenario("seed-nat-rr");
        _run = ReplayRun.Start(Path.Combine(_scenario, "rules"), Path.Combine(_scenario, "topology"),
            [("eth2", Path.Combine(_scenario, "eth2.pcap")), ("eth1", Path.Combine(_scenario, "eth1.pcap"))]);
        Assert.That(_run.ExitCode, Is.Zero, _run.StandardError);
    }

    [OneTimeTearDown]
    public void Clean() => _run.Dispose();

    [Test]
    public void Replies_LeaveThePublicSideFromTheVipToTheClient_WithOnlyTheNatEdits()
    {
        var sent = CaptureFrames.Read(_run.OutputCapture("eth2"));
        var received = CaptureFrames.Read(Path.Combine(_scenario, "eth1.pcap"));
        Assert.That(sent, Has.Count.EqualTo(received.Count).And.Count.EqualTo(9));
        for (var i = 0; i < sent.Count; i++)
        {
            var (time, output, _) = sent[i];
            var (inputTime, input, _) = received[i];
            var outIp = (IPv4Packet)output.PayloadPacket;
            var inIp = (IPv4Packet)input.PayloadPacket;
            var outTcp = (TcpPacket)outIp.PayloadPacket;
            var inTcp = (TcpPacket)inIp.PayloadPacket;
            Assert.Multiple(() =>
            {
                Assert.That(time, Is.EqualTo(inputTime), "an output frame carries its cause's timestamp");
                Assert.That(output.SourceHardwareAddress, Is.EqualTo(DirectorPublicMac));
                Assert.That(output.DestinationHardwareAddress, Is.EqualTo(ClientMac));
                Assert.That(outIp.SourceAddress, Is.EqualTo(Vip));
                Assert.That(outIp.DestinationAddress, Is.EqualTo(Client));
                Assert.That(outIp.TimeToLive, Is.EqualTo(inIp.TimeToLive - 1), "a routed reply loses one TTL");
                Assert.That(outIp.Id, Is.EqualTo(inIp.Id));
                Assert.That(outIp.ValidIPChecksum, Is.True, "IPv4 checksum");
                Assert.That(outTcp.SourcePort, Is.EqualTo(80));
                Assert.That(outTcp.DestinationPort, Is.EqualTo(inTcp.DestinationPort));
                Assert.That(outTcp.SequenceNumber, Is.EqualTo(inTcp.SequenceNumber));
                Assert.That(outTcp.AcknowledgmentNumber, Is.EqualTo(inTcp.AcknowledgmentNumber));
                Assert.That(outTcp.Flags, Is.EqualTo(inTcp.Flags));
                Assert.That(outTcp.WindowSize, Is.EqualTo(inTcp.WindowSize));
                Assert.That(outTcp.PayloadData ?? [], Is.EqualTo(inTcp.PayloadData ?? []));
                Assert.That(outTcp.ValidTcpChecksum, Is.True, "TCP checksum");
            });
        }
    }

    [Test]
    public void Requests_ReachTheChosenServersMac_FromThePrivateInterface_OneTtlLower()
    {
        var sent = CaptureFrames.Read(_run.OutputCapture("eth1"));
        var received = CaptureFrames.Read(Path.Combine(_scenario, "eth2.pcap"));
        Assert.That(sent, Has.Count.EqualTo(15));
        var serverMacs = new Dictionary<string, PhysicalAddress>
        {
            ["192.168.139.252"] = PhysicalAddress.Parse("02-00-00-00-8B-FC"),
            ["192.168.139.253"] = PhysicalAddress.Parse("02-00-00-00-8B-FD"),
            ["192.168.139.254"] = PhysicalAddress.Parse("02-00-00-00-8B-FE"),
        };
        for (var i = 0; i < sent.Count; i++)
        {
            var outIp = (IPv4Packet)sent[i].Packet.PayloadPacket;
            var inIp = (IPv4Packet)received[i].Packet.PayloadPacket;
            var outTcp = (TcpPacket)outIp.PayloadPacket;
            var inTcp = (TcpPacket)inIp.PayloadPacket;
            Assert.Multiple(() =>
            {
                Assert.That(sent[i].Packet.SourceHardwareAddress, Is.EqualTo(DirectorPrivateMac));
                Assert.That(sent[i].Packet.DestinationHardwareAddress, Is.EqualTo(serverMacs[outIp.DestinationAddress.ToString()]));
                Assert.That(outIp.SourceAddress, Is.EqualTo(Client));
                Assert.That(outIp.TimeToLive, Is.EqualTo(inIp.TimeToLive - 1), "the kernel's decrement_ttl on the way to the real server");
                Assert.That(outIp.ValidIPChecksum, Is.True);
                Assert.That(outTcp.ValidTcpChecksum, Is.True);
                Assert.That(outTcp.PayloadData ?? [], Is.EqualTo(inTcp.PayloadData ?? []));
                Assert.That(outTcp.SequenceNumber, Is.EqualTo(inTcp.SequenceNumber));
            });
        }
    }

    [Test]
    public void EveryInterfaceGetsACapture_EvenWhereNothingWasSent()
    {
        Assert.That(Directory.GetFiles(_run.OutputDirectory).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "eth1.pcap", "eth2.pcap" }));
    }
}
