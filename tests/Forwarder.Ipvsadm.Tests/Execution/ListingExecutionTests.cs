using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>Listings of a director with traffic: connections, counters, rates and timeouts as its state moves.</summary>
public sealed class ListingExecutionTests
{
    private const long Second = ExecutorRig.Second;

    private static ExecutorRig ExampleOne()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 192.168.1.113:80 -s rr");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.131:80 -m");
        return rig;
    }

    private static Destination Server(ExecutorRig rig, string address)
    {
        rig.Services.TryGet(new ServiceKey(IpProtocol.Tcp, Ipv4Address.Parse("192.168.1.113").Value, 80), out var service);
        return service.FindDestination(Ipv4Address.Parse(address), 80)!;
    }

    private static void Connect(ExecutorRig rig, string client, ushort port, Destination server, bool established)
    {
        var slot = rig.Connections.Add(new Connection
        {
            Protocol = (byte)IpProtocol.Tcp,
            ClientAddress = Ipv4Address.Parse(client).Value,
            ClientPort = port,
            VirtualAddress = server.Service.Address,
            VirtualPort = server.Service.Port,
            DestinationAddress = server.Address,
            DestinationPort = server.Port,
            Method = server.Method,
            Destination = server,
        }, rig.Now);
        rig.Connections.Touch(slot, PacketDirection.Input, FrameLayout.TcpSyn, rig.Now);
        if (established)
        {
            rig.Connections.Touch(slot, PacketDirection.Input, FrameLayout.TcpAck, rig.Now);
        }
    }

    [Test]
    public void ConnectionsAdded_ListWithTimeLeftAndState_AndCountInLn()
    {
        var rig = ExampleOne();
        Connect(rig, "192.168.1.106", 51729, Server(rig, "192.168.139.129"), established: true);
        Connect(rig, "192.168.1.107", 40000, Server(rig, "192.168.139.131"), established: false);
        rig.Now += 10 * Second;

        Assert.That(rig.Run("-Lnc").StandardOutput, Is.EqualTo(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "TCP 14:50  ESTABLISHED 192.168.1.106:51729 192.168.1.113:80   192.168.139.129:80\n" +
            "TCP 00:50  SYN_RECV    192.168.1.107:40000 192.168.1.113:80   192.168.139.131:80\n"));
        Assert.That(rig.Run("-Ln").StandardOutput, Does.EndWith(
            "  -> 192.168.139.129:80           Masq    1      1          0         \n" +
            // SYN_RECV counts in ActiveConn, as Linux 6.1 lists it (active from the SYN since 4.8).
            "  -> 192.168.139.131:80           Masq    1      1          0         \n"));
    }

    [Test]
    public void ConnectionThatTimedOut_LeavesListingsWhenTheClockPasses()
    {
        var rig = ExampleOne();
        Connect(rig, "192.168.1.107", 40000, Server(rig, "192.168.139.131"), established: false);
        rig.Now += 61 * Second;

        Assert.That(rig.Run("-Lnc").StandardOutput.Split('\n'), Has.Length.EqualTo(3));
        Assert.That(rig.Run("-Ln").StandardOutput, Does.EndWith("  -> 192.168.139.131:80           Masq    1      0          0         \n"));
    }

    [Test]
    public void Stats_AfterCountersMoved_ShowThem_AndZeroClearsThem()
    {
        var rig = ExampleOne();
        var server = Server(rig, "192.168.139.129");
        foreach (var counters in new[] { server.Service.Counters, server.Counters })
        {
            counters.Connections = 3;
            counters.InPackets = 30;
            counters.OutPackets = 25;
            counters.InBytes = 4_000;
            counters.OutBytes = 123_456_789_012;
        }

        Assert.That(rig.Run("-Ln --stats").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.1.113:80                    3       30       25     4000     123G\n" +
            "  -> 192.168.139.129:80                  3       30       25     4000     123G\n" +
            "  -> 192.168.139.131:80                  0        0        0        0        0\n"));
        Assert.That(rig.Run("-Ln --stats --exact").StandardOutput, Does.Contain(
            "TCP  192.168.1.113:80                    3       30       25     4000 123456789012\n"));

        rig.Do("-Z");

        Assert.That(server.Counters.OutBytes, Is.Zero);
        Assert.That(rig.Run("-Ln --stats").StandardOutput, Does.Contain(
            "TCP  192.168.1.113:80                    0        0        0        0        0\n"));
    }

    [Test]
    public void Rate_IsEstimatedOnTheEngineClock_AndZeroRestartsIt()
    {
        var rig = ExampleOne();
        var server = Server(rig, "192.168.139.129");
        rig.Run("-Ln --rate");
        for (var tick = 0; tick < 40; tick++)
        {
            rig.Now += 2 * Second;
            server.Counters.InPackets += 2_000;
            server.Service.Counters.InPackets += 2_000;
            rig.Rates.Sample(rig.Services, rig.Now);
        }

        Assert.That(rig.Run("-Ln --rate").StandardOutput, Does.Contain(
            "  -> 192.168.139.129:80                  0     1000        0        0        0\n"));

        rig.Do("-Z -t 192.168.1.113:80");

        Assert.That(rig.Run("-Ln --rate").StandardOutput, Does.Contain(
            "  -> 192.168.139.129:80                  0        0        0        0        0\n"));
    }

    [Test]
    public void SetTimeouts_ShowInTimeoutListing_ZeroKeepsOne()
    {
        var rig = new ExecutorRig();
        Assert.That(rig.Run("-L --timeout").StandardOutput, Is.EqualTo("Timeout (tcp tcpfin udp): 900 120 300\n"));

        rig.Do("--set 3600 0 60");

        Assert.That(rig.Run("-L --timeout").StandardOutput, Is.EqualTo("Timeout (tcp tcpfin udp): 3600 120 60\n"));
        Assert.That(rig.Timeouts.TcpEstablishedSeconds, Is.EqualTo(3600));
    }

    [Test]
    public void OneService_ListsWithoutTheVersionLine()
    {
        Assert.That(ExampleOne().Run("-L -n -t 192.168.1.113:80").StandardOutput, Is.EqualTo(
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.131:80           Masq    1      0          0         \n"));
    }

    [Test]
    public void NoArguments_ListsWithNames()
    {
        Assert.That(ExampleOne().Executor.Execute([]).StandardOutput, Does.Contain("TCP  192.168.1.113:http rr\n"));
    }

    [Test]
    public void NoSort_ListsInTheKernelsListOrder()
    {
        Assert.That(ExampleOne().Run("-Ln --nosort").StandardOutput, Does.EndWith(
            "  -> 192.168.139.131:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n"));
    }

    [Test]
    public void ThresholdsAndPersistentConn_Views()
    {
        var rig = ExampleOne();
        rig.Do("-e -t 192.168.1.113:80 -r 192.168.139.129:80 -m -w 4 -x 20 -y 10");

        Assert.That(rig.Run("-Ln --thresholds").StandardOutput, Does.Contain(
            "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           20         10         0          0         \n"));
        Assert.That(rig.Run("-Ln --persistent-conn").StandardOutput, Does.Contain(
            "  -> 192.168.139.129:80           4         0           0          0         \n"));
    }
}
