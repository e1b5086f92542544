namespace Forwarder.Keepalived.Tests.Supervision;

/// <summary>IPv6 virtual servers in the table: the ipvsadm edits keepalived's ipvs_cmd amounts to, in ipvsadm's [ADDR]:PORT and -6 forms.</summary>
[TestFixture]
[NonParallelizable]
public sealed class Ipv6TableShapeTests
{
    [Test]
    public void Ipv6Services_AndTheirServers_AreWrittenInBrackets_AndAnIpv6MarkWithMinus6()
    {
        using var rig = new TableRig();
        rig.Start("""
            virtual_server 2001:db8::199 80 {
                protocol TCP
                lb_algo rr
                lb_kind NAT
                real_server 2001:db8:139::254 8080 {
                    weight 2
                }
                real_server 10.9.1.9 80 {
                    lvs_method TUN
                }
            }
            virtual_server fwmark 6 {
                ip_family inet6
                lb_algo wlc
                lb_kind DR
                real_server 2001:db8:139::253 {
                }
            }
            """);

        var saved = rig.Run(new Ipvsadm.Execution.IpvsadmInvocation(["-Sn"])).StandardOutput;

        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -A -t [2001:db8::199]:80 -s rr (origin: checker)\n"), rig.LogText);
        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -a -t [2001:db8::199]:80 -r [2001:db8:139::254]:8080 -m -w 2 (origin: checker)\n"));
        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -a -t [2001:db8::199]:80 -r 10.9.1.9:80 -i -w 1 (origin: checker)\n"),
            "a tunnelled server may be of the other family, as IPVS allows");
        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -A -f 6 -6 -s wlc (origin: checker)\n"));
        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -a -f 6 -6 -r [2001:db8:139::253]:0 -g -w 1 (origin: checker)\n"));
        var lines = saved.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(5), saved);
        Assert.That(lines, Has.Some.Match(@"^-A -t \[2001:db8::199\]:80 -s rr"), saved);
        Assert.That(lines, Has.Some.Match(@"^-a -t \[2001:db8::199\]:80 -r \[2001:db8:139::254\]:8080 -m -w 2$"), saved);
        Assert.That(lines, Has.Some.Match(@"^-A -f 6 -6 -s wlc"), saved);
    }

    [Test]
    public void Ipv6RealServer_CheckedOnIpv6Loopback_LeavesTheTableWhenDown_AndComesBack()
    {
        Listener web1;
        try
        {
            web1 = new Listener(System.Net.IPAddress.IPv6Loopback);
        }
        catch (System.Net.Sockets.SocketException unavailable)
        {
            Assert.Ignore($"no IPv6 loopback here ({unavailable.SocketErrorCode})");
            return;
        }
        using var _ = web1;
        using var rig = new TableRig();
        rig.Start($$"""
            virtual_server 2001:db8::199 80 {
                delay_loop 0.2
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server ::1 {{web1.Port}} {
                    weight 2
                    TCP_CHECK {
                        connect_timeout 0.5
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                    }
                }
            }
            """);
        var line = $"  -> [::1]:{web1.Port}";
        rig.WaitFor(() => rig.LogText.Contains($"TCP connection to {web1.Name} success.", StringComparison.Ordinal), "web1's first check");
        Assert.That(rig.Listing(), Does.Contain(line), rig.Listing());

        web1.Stop();
        rig.WaitFor(() => !rig.Listing().Contains(line, StringComparison.Ordinal), "web1 removed");
        // The table changes before the command's log line is written: wait for the line, not just the table.
        var removal = $"<6>forwarder: ipvsadm -d -t [2001:db8::199]:80 -r [::1]:{web1.Port} (origin: checker)\n";
        rig.WaitFor(() => rig.LogText.Contains(removal, StringComparison.Ordinal), "web1's removal logged");
        Assert.That(rig.LogText, Does.Contain($"<6>forwarder: TCP connection to [::1]:tcp:{web1.Port} failed.\n"));

        web1.Restart();
        rig.WaitFor(() => rig.Listing().Contains(line, StringComparison.Ordinal), "web1 back");
    }

    [Test]
    public void GroupOfBothFamilies_GivesAServerTheServicesOfItsFamily_TheOthersRefusalLogged()
    {
        using var rig = new TableRig();
        rig.Start("""
            virtual_server group BOTH {
                protocol TCP
                lb_algo rr
                lb_kind NAT
                real_server 2001:db8:139::254 80 {
                }
            }
            virtual_server_group BOTH {
                10.9.0.5 80
                2001:db8::5 80
                fwmark 9 inet6
            }
            """);

        var saved = rig.Run(new Ipvsadm.Execution.IpvsadmInvocation(["-Sn"])).StandardOutput;

        var lines = saved.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.Match(@"^-a -t \[2001:db8::5\]:80 -r \[2001:db8:139::254\]:80 -m -w 1$"), saved);
        Assert.That(lines, Has.Some.Match(@"^-a -f 9 -6 -r \[2001:db8:139::254\]:80 -m -w 1$"), saved);
        Assert.That(lines, Has.None.Match(@"^-a -t 10\.9\.0\.5:80 "), saved);
        Assert.That(rig.LogText, Does.Contain("-a -t 10.9.0.5:80 -r [2001:db8:139::254]:80"), "the kernel's refusal, as keepalived meets it, is logged");
    }
}
