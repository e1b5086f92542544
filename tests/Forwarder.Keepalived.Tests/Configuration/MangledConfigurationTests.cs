using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Tests.Configuration;

/// <summary>
/// Whatever a file holds, the reader answers the documented way: a configuration (with its reports) or a
/// <see cref="ConfigSyntaxException"/>; never another exception, never a hang. Mutations of real files, seeded.
/// </summary>
[TestFixture]
public sealed class MangledConfigurationTests
{
    private static readonly string[] Words =
    [
        "{", "}", "\"", "#", "!", "\\", "virtual_server", "real_server", "group", "fwmark", "TCP_CHECK", "HTTP_GET", "url", "path",
        "MISC_CHECK", "misc_path", "DNS_CHECK", "sorry_server", "weight", "-1", "0", "65536", "999999999999", "1.2.3", "::1",
        "10.0.0.1-300", "virtual_server_group", "include", "lb_kind", "TUN", "type", "gue", "quorum", "0.0000001", "\n", " ",
    ];

    [Test]
    public void MutatedFiles_AreReadOrRefused_NeverThrowAnythingElse()
    {
        var random = new Random(20260413);
        var seeds = new[] { KeepalivedConfigReaderTests.RealWorld, ReadmeExample.KeepalivedConf() };
        var (read, refused) = (0, 0);
        for (var round = 0; round < 3000; round++)
        {
            var text = Mutate(seeds[round % seeds.Length], random);
            try
            {
                KeepalivedConfigReader.Parse("/nonexistent/dir/keepalived.conf", text);
                read++;
            }
            catch (ConfigSyntaxException)
            {
                refused++;
            }
            catch (Exception unexpected)
            {
                Assert.Fail($"round {round}: {unexpected}\n--- input\n{text}");
            }
        }
        Assert.That(read, Is.GreaterThan(300), "mutants read");
        Assert.That(refused, Is.GreaterThan(300), "mutants refused");
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToList();
        for (var edits = random.Next(1, 8); edits > 0 && chars.Count > 0; edits--)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0:
                    chars.RemoveRange(at, Math.Min(chars.Count - at, random.Next(1, 40)));
                    break;
                case 1:
                    chars.InsertRange(at, " " + Words[random.Next(Words.Length)] + " ");
                    break;
                case 2:
                    chars[at] = (char)random.Next(32, 127);
                    break;
                default:
                    var length = Math.Min(chars.Count - at, random.Next(1, 200));
                    chars.InsertRange(at, chars.GetRange(at, length));
                    break;
            }
        }
        return new string([.. chars]);
    }
}
