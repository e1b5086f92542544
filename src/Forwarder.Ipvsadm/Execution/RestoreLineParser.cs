using System.Globalization;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// Reads the lines of a -R input. The full grammar (<see cref="IpvsadmParser"/>, CommandLineParser underneath)
/// costs about 150 µs a line, most of it binding the options by reflection; a saved table is almost all
/// <c>-A -t|-u ADDR:PORT -s SCHED [-p N] [-b FLAGS]</c> and <c>-a -t|-u ADDR:PORT -r ADDR[:PORT] -g|-m|-i [-w N] [-x N] [-y N]</c>
/// lines, which are read here directly. The quick reading only ever declines: any other line, or one of these
/// shapes with anything unusual in it (a repeated option, a value that is not plain, -r before -t, a refusal of
/// any kind), goes to the full grammar, which gives the command or ipvsadm's words for the refusal. So a line
/// reads the same either way, byte for byte.
/// </summary>
public sealed class RestoreLineParser
{
    /// <summary>The grammar's bound on a timeout (-p, --set): 31 days.</summary>
    private const int MaximumTimeout = 86400 * 31;

    private readonly IpvsadmParser _grammar;

    public RestoreLineParser(IpvsadmParser grammar)
    {
        _grammar = grammar;
    }

    /// <summary>The command a line's words make, or the grammar's <see cref="IpvsadmUsageException"/>.</summary>
    public IpvsadmCommand Parse(IReadOnlyList<string> words) => TryParseCommon(words) ?? _grammar.Parse(words);

    /// <summary>The command when the line has one of the common shapes and nothing unusual, else null (never a refusal).</summary>
    public IpvsadmCommand? TryParseCommon(IReadOnlyList<string> words) => words.Count switch
    {
        0 => null,
        _ when words[0] == "-A" => TryAddService(words),
        _ when words[0] == "-a" => TryAddServer(words),
        _ => null,
    };

    private IpvsadmCommand? TryAddService(IReadOnlyList<string> words)
    {
        string? serviceText = null;
        var protocol = IpProtocol.Tcp;
        string? scheduler = null;
        string? flags = null;
        int? persistence = null;
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-t" or "-u" when serviceText is null && PlainValue(words, i) is { } text:
                    protocol = words[i] == "-u" ? IpProtocol.Udp : IpProtocol.Tcp;
                    serviceText = text;
                    i++;
                    break;
                case "-s" when scheduler is null && PlainValue(words, i) is { } name:
                    scheduler = name;
                    i++;
                    break;
                case "-b" when flags is null && PlainValue(words, i) is { } given:
                    flags = given;
                    i++;
                    break;
                case "-p" when persistence is null:
                    // As popt: -p takes the next word only when it is not an option; alone it is the default 6 minutes.
                    if (PlainValue(words, i) is { } timeout)
                    {
                        if (!TryDigits(timeout, 1, MaximumTimeout, out var seconds))
                        {
                            return null;
                        }
                        persistence = seconds;
                        i++;
                    }
                    else
                    {
                        persistence = IpvsadmParser.DefaultPersistence;
                    }
                    break;
                default:
                    return null;
            }
        }
        if (serviceText is null || _grammar.ParseAddressPort(serviceText, protocol) is not var (address, port, _))
        {
            return null;
        }
        var key = new ServiceKey(protocol, address, port);
        if (key.Port == 0 && persistence is null)
        {
            return null;
        }
        scheduler ??= "wlc";
        if (flags is not null && !SchedulerFlagSet.TryParse(flags, scheduler, out _, out _))
        {
            return null;
        }
        return new IpvsadmCommand(IpvsadmCommandKind.AddService)
        {
            Service = key,
            ServiceSettings = new ServiceSpec(key, scheduler, persistence, uint.MaxValue, flags ?? string.Empty, string.Empty, false),
        };
    }

    private IpvsadmCommand? TryAddServer(IReadOnlyList<string> words)
    {
        string? serviceText = null;
        var protocol = IpProtocol.Tcp;
        string? serverText = null;
        ForwardingMethod? method = null;
        int? weight = null;
        int? upper = null;
        int? lower = null;
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-t" or "-u" when serviceText is null && PlainValue(words, i) is { } text:
                    protocol = words[i] == "-u" ? IpProtocol.Udp : IpProtocol.Tcp;
                    serviceText = text;
                    i++;
                    break;
                // -r before the service takes a port of 0 and no port names: the grammar's case.
                case "-r" when serverText is null && serviceText is not null && PlainValue(words, i) is { } text:
                    serverText = text;
                    i++;
                    break;
                case "-g" or "-m" or "-i" when method is null:
                    method = words[i] switch
                    {
                        "-m" => ForwardingMethod.Masquerade,
                        "-i" => ForwardingMethod.Tunnel,
                        _ => ForwardingMethod.DirectRoute,
                    };
                    break;
                case "-w" when weight is null && Number(words, i) is { } value:
                    weight = value;
                    i++;
                    break;
                case "-x" when upper is null && Number(words, i) is { } value:
                    upper = value;
                    i++;
                    break;
                case "-y" when lower is null && Number(words, i) is { } value:
                    lower = value;
                    i++;
                    break;
                default:
                    return null;
            }
        }
        if (serviceText is null || serverText is null ||
            _grammar.ParseAddressPort(serviceText, protocol) is not var (serviceAddress, servicePort, _) ||
            _grammar.ParseAddressPort(serverText, protocol) is not var (serverAddress, serverPort, hasPort))
        {
            return null;
        }
        var key = new ServiceKey(protocol, serviceAddress, servicePort);
        var forwarding = method ?? ForwardingMethod.DirectRoute;
        // As the grammar (parse_options): no port is the service's; direct routing and tunnels always take the service's.
        var port = !hasPort || forwarding != ForwardingMethod.Masquerade ? servicePort : serverPort;
        return new IpvsadmCommand(IpvsadmCommandKind.AddServer)
        {
            Service = key,
            Destination = new DestinationSpec(serverAddress, port, forwarding, weight ?? 1, upper ?? 0, lower ?? 0,
                TunnelType.Ipip, 0, TunnelChecksum.None),
        };
    }

    /// <summary>The word after an option when it is an ordinary value, not another option.</summary>
    private static string? PlainValue(IReadOnlyList<string> words, int option) =>
        option + 1 < words.Count && words[option + 1].Length > 0 && words[option + 1][0] != '-' ? words[option + 1] : null;

    private static int? Number(IReadOnlyList<string> words, int option) =>
        PlainValue(words, option) is { } text && TryDigits(text, 0, int.MaxValue, out var value) ? value : null;

    /// <summary>Plain decimal digits within bounds; anything else (signs, spaces, a huge number) is the grammar's to judge.</summary>
    private static bool TryDigits(string text, int minimum, int maximum, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 10 || !text.All(char.IsAsciiDigit) ||
            !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < minimum || number > maximum)
        {
            return false;
        }
        value = (int)number;
        return true;
    }
}
