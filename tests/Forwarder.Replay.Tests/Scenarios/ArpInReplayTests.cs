using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Capture.Files;
using PacketDotNet;

namespace Forwarder.Replay.Tests.Scenarios;

/// <summary>The director's own frames — ARP replies, ICMP echo replies — appear in the replay's output like any other.</summary>
[TestFixture]
public sealed class ArpInReplayTests
{
    [Test]
    public void ArpRequestForTheVip_IsAnsweredInTheOutputCapture_AsTcpdumpShowsIt()
    {
        var seed = RepositoryPaths.Scenario("seed-nat-rr");
        var work = Directory.CreateTempSubdirectory("forwarder-arp-").FullName;
        try
        {
            var input = Path.Combine(work, "eth2.pcap");
            var client = PhysicalAddress.Parse("02-00-00-00-01-6A");
            var request = new EthernetPacket(client, PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"), EthernetType.Arp)
            {
                PayloadPacket = new ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("00-00-00-00-00-00"),
                    IPAddress.Parse("192.168.1.199"), client, IPAddress.Parse("192.168.1.106")),
            };
            using (var writer = new PcapFrameWriter(input))
            {
                writer.Write(request.Bytes, 1_496_875_484_000_000);
            }

            using var run = ReplayRun.Start(Path.Combine(seed, "rules"), Path.Combine(seed, "topology"), [("eth2", input)]);
            Assert.That(run.ExitCode, Is.Zero, run.StandardError);
            var lines = Tcpdump.Read(run.OutputCapture("eth2"), "arp", "-e");

            Assert.That(lines, Is.EqualTo(new[]
            {
                "22:44:44.000000 02:00:00:00:01:71 > 02:00:00:00:01:6a, ethertype ARP (0x0806), length 42: Reply 192.168.1.199 is-at 02:00:00:00:01:71, length 28",
            }));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
