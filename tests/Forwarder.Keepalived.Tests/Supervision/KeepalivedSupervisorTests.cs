using Forwarder.Keepalived.Tests.Checkers;

namespace Forwarder.Keepalived.Tests.Supervision;

/// <summary>
/// The supervisor over a real ipvsadm table, its real servers listeners of the test's own on 127.0.0.1 that go down
/// and come back: what keepalived does to the table, and what it logs, with short timings.
/// </summary>
[TestFixture]
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeepalivedSupervisorTests
{
    private const string Vs = "[10.9.0.1]:tcp:80";

    private static string Conf(string virtualServerExtra, params (Listener Server, string Extra)[] servers) => $$"""
        virtual_server 10.9.0.1 80 {
            delay_loop 0.2
            lb_algo rr
            lb_kind NAT
            protocol TCP
            {{virtualServerExtra}}
        {{string.Join("\n", servers.Select(s => $$"""
            real_server 127.0.0.1 {{s.Server.Port}} {
                weight 2
                {{s.Extra}}
                TCP_CHECK {
                    connect_timeout 0.5
                    retry 1
                    delay_before_retry 0.1
                    warmup 0
                }
            }
        """))}}
        }
        """;

    private static string Line(Listener server, int weight) => $"  -> 127.0.0.1:{server.Port}";

    private static bool Lists(TableRig rig, Listener server, int weight) =>
        System.Text.RegularExpressions.Regex.IsMatch(rig.Listing(), $@"  -> 127\.0\.0\.1:{server.Port} +Masq +{weight} ");

    [Test]
    public void FailingServer_LeavesTheTable_AfterItsRetry_AndComesBackWithItsWeight()
    {
        using var web1 = new Listener();
        using var web2 = new Listener();
        using var rig = new TableRig();
        rig.Start(Conf("", (web1, ""), (web2, "")));
        rig.WaitFor(() => rig.LogText.Contains($"TCP connection to {web1.Name} success.", StringComparison.Ordinal), "web1's first check");
        Assert.That(Lists(rig, web1, 2) && Lists(rig, web2, 2), Is.True, rig.Listing());

        web1.Stop();
        rig.WaitFor(() => !rig.Listing().Contains(Line(web1, 2), StringComparison.Ordinal), "web1 removed");
        // The table changes before the command's log line is written: wait for the line too.
        rig.WaitFor(() => rig.LogText.Contains($"ipvsadm -d -t 10.9.0.1:80 -r 127.0.0.1:{web1.Port} (origin: checker)\n", StringComparison.Ordinal), "web1's removal logged");

        Assert.That(Lists(rig, web2, 2), Is.True, "web2 stays");
        var log = rig.LogText;
        Assert.That(log, Does.Contain($"<6>forwarder: TCP connection to {web1.Name} failed.\n"));
        Assert.That(log, Does.Contain($"<6>forwarder: TCP_CHECK on service {web1.Name} failed after 1 retries.\n"));
        Assert.That(log, Does.Contain($"<6>forwarder: Removing service {web1.Name} from VS {Vs}\n"));
        Assert.That(log, Does.Contain($"<6>forwarder: ipvsadm -d -t 10.9.0.1:80 -r 127.0.0.1:{web1.Port} (origin: checker)\n"));

        web1.Restart();
        rig.WaitFor(() => Lists(rig, web1, 2), "web1 back with weight 2");
        Assert.That(rig.LogText, Does.Contain($"<6>forwarder: Adding service {web1.Name} to VS {Vs}\n"));
    }

    [Test]
    public void InhibitOnFailure_SetsWeightZero_InsteadOfRemoving()
    {
        using var web1 = new Listener();
        using var web2 = new Listener();
        using var rig = new TableRig();
        rig.Start(Conf("", (web1, "inhibit_on_failure"), (web2, "")));
        rig.WaitFor(() => rig.LogText.Contains($"TCP connection to {web1.Name} success.", StringComparison.Ordinal), "web1's first check");

        web1.Stop();
        rig.WaitFor(() => Lists(rig, web1, 0), "web1 at weight 0");
        Assert.That(rig.LogText, Does.Contain($"Disabling service {web1.Name} of VS {Vs}\n"));

        web1.Restart();
        rig.WaitFor(() => Lists(rig, web1, 2), "web1 back to weight 2");
        Assert.That(rig.LogText, Does.Contain($"Enabling service {web1.Name} of VS {Vs}\n"));
    }

    [Test]
    public void SorryServer_TakesOver_WhenAllAreDown_AndLeaves_WhenOneComesBack_RunningTheQuorumScripts()
    {
        using var web1 = new Listener();
        using var web2 = new Listener();
        using var sorry = new Listener();
        var marks = Directory.CreateTempSubdirectory("quorum-scripts");
        try
        {
            using var rig = new TableRig();
            rig.Start(Conf($$"""
                sorry_server 127.0.0.1 {{sorry.Port}}
                quorum_down "/bin/touch {{marks.FullName}}/down"
                quorum_up "/bin/touch {{marks.FullName}}/up"
                """, (web1, ""), (web2, "")));
            rig.WaitFor(() => rig.LogText.Contains($"TCP connection to {web2.Name} success.", StringComparison.Ordinal), "web2's first check");
            Assert.That(rig.Listing(), Does.Not.Contain($"127.0.0.1:{sorry.Port}"), "no sorry server while the quorum holds");
            Assert.That(rig.LogText, Does.Contain($"Gained quorum 1+0=1 <= 4 for VS {Vs}"), "as keepalived, at start");

            web1.Stop();
            web2.Stop();
            rig.WaitFor(() => Lists(rig, sorry, 1) && !rig.Listing().Contains(Line(web1, 2), StringComparison.Ordinal)
                && !rig.Listing().Contains(Line(web2, 2), StringComparison.Ordinal), "only the sorry server");
            rig.WaitFor(() => File.Exists(Path.Combine(marks.FullName, "down")), "quorum_down ran");
            Assert.That(rig.LogText, Does.Contain($"Lost quorum 1-0=1 > 0 for VS {Vs}\n"));
            Assert.That(rig.LogText, Does.Contain($"Adding sorry server [127.0.0.1]:tcp:{sorry.Port} to VS {Vs}\n"));

            web2.Restart();
            rig.WaitFor(() => Lists(rig, web2, 2) && !rig.Listing().Contains($"127.0.0.1:{sorry.Port}", StringComparison.Ordinal), "web2 back, the sorry server gone");
            Assert.That(rig.LogText, Does.Contain($"Removing sorry server [127.0.0.1]:tcp:{sorry.Port} from VS {Vs}\n"));
            Assert.That(rig.Listing(), Does.Not.Contain(Line(web1, 2)), "web1 is still down");
        }
        finally
        {
            marks.Delete(recursive: true);
        }
    }

    [Test]
    public void SorryServerInhibit_WaitsInTheTableAtWeightZero()
    {
        using var web1 = new Listener();
        using var sorry = new Listener();
        using var rig = new TableRig();
        rig.Start(Conf($$"""
            sorry_server 127.0.0.1 {{sorry.Port}}
            sorry_server_inhibit
            """, (web1, "")));
        Assert.That(Lists(rig, sorry, 0), Is.True, rig.Listing());

        web1.Stop();
        rig.WaitFor(() => Lists(rig, sorry, 1), "the sorry server at weight 1");
        Assert.That(rig.LogText, Does.Contain($"Enabling sorry server [127.0.0.1]:tcp:{sorry.Port} to VS {Vs}\n"));
    }

    [Test]
    public void Alpha_ServersStartOutOfTheTable_UntilTheirFirstPass()
    {
        using var web1 = new Listener();
        using var dead = new Listener();
        dead.Stop();
        using var rig = new TableRig();
        rig.Start(Conf("alpha", (web1, ""), (dead, "")));
        Assert.That(rig.Listing(), Does.Not.Contain(Line(dead, 2)), "the dead one is not in the table at start");

        rig.WaitFor(() => Lists(rig, web1, 2), "web1 added at its first pass");
        rig.WaitFor(() => rig.LogText.Contains($"TCP_CHECK on service {dead.Name} failed.", StringComparison.Ordinal), "the dead one's first check");
        Assert.That(rig.Listing(), Does.Not.Contain(Line(dead, 2)));
        Assert.That(rig.LogText, Does.Not.Contain($"Removing service {dead.Name}"), "never in, never removed");
    }

    [Test]
    public void WithoutAlpha_ADeadServerStartsInTheTable_AndOneFailureTakesItOut()
    {
        using var web1 = new Listener();
        using var dead = new Listener();
        dead.Stop();
        using var rig = new TableRig();
        rig.Start(Conf("", (web1, ""), (dead, "")));

        rig.WaitFor(() => !rig.Listing().Contains(Line(dead, 2), StringComparison.Ordinal), "the dead one removed");
        Assert.That(rig.LogText, Does.Contain($"TCP_CHECK on service {dead.Name} failed.\n"), "at the first check one failure is enough");
    }

    [Test]
    public void MiscDynamic_TheScriptsExitStatusSetsTheWeight()
    {
        var directory = Directory.CreateTempSubdirectory("misc-dynamic");
        try
        {
            var status = Path.Combine(directory.FullName, "status");
            var script = Path.Combine(directory.FullName, "check.sh");
            File.WriteAllText(status, "0");
            File.WriteAllText(script, $"#!/bin/sh\nexit $(cat {status})\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var rig = new TableRig();
            rig.Start($$"""
                virtual_server 10.9.0.1 80 {
                    delay_loop 0.2
                    lb_algo wrr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.1 8080 {
                        weight 2
                        MISC_CHECK {
                            misc_path {{script}}
                            misc_timeout 2
                            misc_dynamic
                            warmup 0
                        }
                    }
                }
                """);
            Assert.That(rig.Listing(), Does.Match(@"127\.0\.0\.1:8080 +Masq +2 "));

            File.WriteAllText(status, "7");
            rig.WaitFor(() => System.Text.RegularExpressions.Regex.IsMatch(rig.Listing(), @"127\.0\.0\.1:8080 +Masq +5 "), "weight 7 - 2");
            Assert.That(rig.LogText, Does.Contain($"Changing weight from 2 to 5 for active service [127.0.0.1]:tcp:8080 of VS {Vs}\n"));

            File.WriteAllText(status, "1");
            rig.WaitFor(() => !rig.Listing().Contains("127.0.0.1:8080", StringComparison.Ordinal), "exit 1 is down");
            Assert.That(rig.LogText, Does.Contain($"Misc check for [[127.0.0.1]:tcp:8080 VS {Vs}] by [{script}] failed with retry disabled (exited with status 1).\n"));

            File.WriteAllText(status, "0");
            rig.WaitFor(() => System.Text.RegularExpressions.Regex.IsMatch(rig.Listing(), @"127\.0\.0\.1:8080 +Masq +2 "), "exit 0: back with its configured weight");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void HandEdits_AreLeftAlone_AndTheTableIsAlwaysTheLiveOne()
    {
        using var web1 = new Listener();
        using var web2 = new Listener();
        using var rig = new TableRig();
        Assert.That(rig.Operator("-A -t 10.9.0.2:80 -s rr").ExitCode, Is.Zero);
        Assert.That(rig.Operator("-a -t 10.9.0.2:80 -r 127.0.0.1:9 -m").ExitCode, Is.Zero);
        rig.Start(Conf("", (web1, ""), (web2, "")));
        rig.WaitFor(() => rig.LogText.Contains($"TCP connection to {web2.Name} success.", StringComparison.Ordinal), "web2's first check");

        // The operator takes web2 out by hand; its checker passes and, as keepalived's, does not put it back.
        Assert.That(rig.Operator($"-d -t 10.9.0.1:80 -r 127.0.0.1:{web2.Port}").ExitCode, Is.Zero);
        Thread.Sleep(1000);
        var saved = rig.Run(new Ipvsadm.Execution.IpvsadmInvocation(["-Sn"])).StandardOutput;

        Assert.That(saved, Does.Not.Contain($"127.0.0.1:{web2.Port}"), "-S shows the live table");
        Assert.That(saved, Does.Contain("-a -t 10.9.0.2:80 -r 127.0.0.1:9 -m -w 1"), "a virtual server no checker manages is left alone");
        Assert.That(rig.LogText, Does.Contain($"<6>forwarder: ipvsadm -d -t 10.9.0.1:80 -r 127.0.0.1:{web2.Port} (origin: control socket)\n"));

        // When it fails and recovers, keepalived adds it again: it is the checker's to manage.
        web2.Stop();
        rig.WaitFor(() => rig.LogText.Contains($"Removing service {web2.Name} from VS {Vs}", StringComparison.Ordinal), "web2 seen down");
        web2.Restart();
        rig.WaitFor(() => Lists(rig, web2, 2), "web2 back after a real recovery");
    }

    [Test]
    public void GroupOfAddresses_EveryServiceTakesTheSameChanges()
    {
        using var web1 = new Listener();
        using var rig = new TableRig();
        rig.Start($$"""
            virtual_server_group PAIR {
                10.9.0.1 80
                10.9.0.5-6 80
            }
            virtual_server group PAIR {
                delay_loop 0.2
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 127.0.0.1 {{web1.Port}} {
                    TCP_CHECK {
                        connect_timeout 0.5
                        retry 0
                        warmup 0
                    }
                }
            }
            """);
        Assert.That(System.Text.RegularExpressions.Regex.Matches(rig.Listing(), $@"127\.0\.0\.1:{web1.Port} +Masq +1 "), Has.Count.EqualTo(3), rig.Listing());

        web1.Stop();
        rig.WaitFor(() => !rig.Listing().Contains($"127.0.0.1:{web1.Port}", StringComparison.Ordinal), "removed from all three");
        Assert.That(rig.LogText, Does.Contain($"Removing service [127.0.0.1]:tcp:{web1.Port} from VS [PAIR]:0\n"));
    }
}
