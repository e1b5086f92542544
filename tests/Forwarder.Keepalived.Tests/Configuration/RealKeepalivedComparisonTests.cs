using System.Diagnostics;
using System.Text.RegularExpressions;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Tests.Configuration;

/// <summary>
/// The same files through Debian's keepalived 2.2 (<c>keepalived --config-test</c>) and through the reader: every
/// line keepalived reports is reported here too, in the same words and order, at the same line where keepalived
/// names one. Skipped where keepalived is not installed (./run-director.sh test installs it).
/// </summary>
[TestFixture]
public sealed partial class RealKeepalivedComparisonTests
{
    public static readonly object[] Files =
    [
        new object[] { "unknown keywords inside blocks", """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo wrr
                lb_kind DR
                colour blue
                real_server 10.0.1.1 80 {
                    wieght 2
                    TCP_CHECK {
                        conect_timeout 3
                    }
                }
            }
            """ },
        new object[] { "bad values", """
            virtual_server 10.0.0.1 80 {
                protocol ICMP
                lb_algo fastest
                lb_kind NAT
                persistence_granularity 255.0.x
                real_server 10.0.1.1 80 {
                    weight -3
                    TCP_CHECK {
                        connect_timeout x
                    }
                    HTTP_GET {
                        url {
                            path /
                            status_code 700
                            digest abc
                        }
                    }
                }
                real_server 10.0.1.2 80 {
                    lvs_method FAST
                }
            }
            """ },
        new object[] { "defaults and corrections", """
            virtual_server 10.0.0.1 80 {
                quorum 9
                hysteresis 5
                real_server 10.0.1.1 80 {
                    weight 2
                }
                real_server 10.0.1.2 80 {
                    weight 3
                }
                real_server 10.0.1.2 80 {
                }
            }
            virtual_server 10.0.0.2 443 {
                protocol TCP
                lb_algo sh
                sh-port
                mh-port
                lb_kind DR
                real_server 10.0.1.3 444 {
                    SSL_GET {
                        url {
                            path /status
                            status_code 200 abc
                        }
                        nb_get_retry 2
                    }
                }
            }
            """ },
        new object[] { "firewall marks", """
            virtual_server fwmark 1 {
                delay_loop 6
                lb_algo rr
                lb_kind DR
                persistence_timeout 300
                protocol TCP
                ops
                real_server 192.168.139.254 80 {
                    TCP_CHECK {
                        connect_port 80
                    }
                }
                real_server 192.168.139.253 0 {
                    lvs_method NAT
                }
                real_server 192.168.139.252 8080 {
                }
            }
            virtual_server fwmark 2 {
                lb_algo wlc
                real_server 192.168.139.251 {
                }
            }
            virtual_server fwmark 99999999999 {
                real_server 192.168.139.251 {
                }
            }
            virtual_server fwmark x {
            }
            virtual_server group G {
                lb_algo rr
                protocol UDP
                lb_kind DR
                real_server 192.168.139.248 80 {
                }
            }
            virtual_server_group G {
                fwmark 10
                fwmark 11 inet
                fwmark 12 ipx
                fwmark -1
            }
            """ },
        new object[] { "IPv6 virtual servers and mixed families", """
            virtual_server 2001:db8::199 80 {
                protocol TCP
                lb_algo rr
                lb_kind DR
                sorry_server 10.0.0.9 80
                real_server 10.0.1.1 80 {
                }
                real_server 10.0.1.2 80 {
                    lvs_method TUN
                }
                real_server 2001:db8:1::1 80 {
                    TCP_CHECK {
                        bindto 2001:db8:1::2
                        connect_ip 10.0.1.1
                    }
                }
            }
            virtual_server fwmark 7 {
                lb_algo rr
                lb_kind NAT
                real_server 2001:db8:1::1 80 {
                }
                ip_family inet
                ip_family ipx
            }
            virtual_server group WEB6 {
                protocol TCP
                lb_algo rr
                lb_kind NAT
                real_server 2001:db8:1::3 8080 {
                }
            }
            virtual_server_group WEB6 {
                2001:db8::1 80
                2001:db8::a-c 443
                fwmark 12 inet6
            }
            """ },
        new object[] { "a production file without its VRRP part", WithoutVrrp(KeepalivedConfigReaderTests.RealWorld) },
    ];

    [TestCaseSource(nameof(Files))]
    public void Reports_AreKeepalivedsOwn(string what, string text)
    {
        var keepalived = Locate();
        if (keepalived is null)
        {
            Assert.Ignore("keepalived is not installed (./run-director.sh test installs it)");
        }
        var directory = Directory.CreateTempSubdirectory("keepalived-compare");
        try
        {
            var path = Path.Combine(directory.FullName, "keepalived.conf");
            File.WriteAllText(path, text);
            var theirs = RunConfigTest(keepalived, path);
            var ours = KeepalivedConfigReader.Load(path).Diagnostics;

            Assert.That(ours.Select(d => d.Message), Is.EqualTo(theirs.Select(line => line.Message)), $"{what}: keepalived said\n{string.Join("\n", theirs)}");
            for (var i = 0; i < theirs.Count; i++)
            {
                if (theirs[i].Line is { } line)
                {
                    Assert.That(ours[i].Position, Is.EqualTo(new ConfigPosition(path, line)), theirs[i].Message);
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void ReadmeExample_IsTakenWithoutAWord_ByKeepalivedAndByTheReader()
    {
        var text = ReadmeExample.KeepalivedConf();
        var ours = KeepalivedConfigReader.Parse("keepalived.conf", text);
        Assert.That(ours.Diagnostics, Is.Empty, string.Join("\n", ours.Diagnostics));
        Assert.That(ours.VirtualServers.Single().RealServers.Select(rs => rs.Checkers.Single().Kind), Is.EqualTo(new[] { "HTTP_GET", "HTTP_GET", "TCP_CHECK" }));
        var keepalived = Locate();
        if (keepalived is null)
        {
            Assert.Ignore("keepalived is not installed (./run-director.sh test installs it)");
        }
        var directory = Directory.CreateTempSubdirectory("keepalived-readme");
        try
        {
            var path = Path.Combine(directory.FullName, "keepalived.conf");
            File.WriteAllText(path, text);

            Assert.That(RunConfigTest(keepalived, path), Is.Empty);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string WithoutVrrp(string text) =>
        text[..text.IndexOf("vrrp_instance", StringComparison.Ordinal)] + text[text.IndexOf("# the seed", StringComparison.Ordinal)..];

    private static string? Locate() =>
        new[] { "/usr/sbin/keepalived", "/sbin/keepalived", "/usr/local/sbin/keepalived" }.FirstOrDefault(File.Exists);

    /// <summary>keepalived's report lines, their "(FILE: Line N) " prefix taken apart; its script-security notice is not a line about the file.</summary>
    private static List<(int? Line, string Message)> RunConfigTest(string keepalived, string path)
    {
        var start = new ProcessStartInfo(keepalived) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--config-test", "-f", path })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(30_000), Is.True, "keepalived --config-test ended");
        return errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith("SECURITY VIOLATION", StringComparison.Ordinal))
            .Select(line => Prefix().Match(line) is { Success: true } match
                ? ((int?)int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), line[match.Length..])
                : (null, line))
            .ToList();
    }

    [GeneratedRegex(@"^\([^)]*: Line (\d+)\) ")]
    private static partial Regex Prefix();
}
