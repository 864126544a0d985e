using System.Globalization;
using System.Text;

namespace Gadget.Gadgets.Profile.Cpu.Rendering;

/// <summary>Writes sampled stacks as an interactive flame graph: one self-contained SVG file
/// (no external resource) with a rectangle and a label per frame, the root at the bottom,
/// siblings in name order and widths proportional to samples. Hovering shows a frame's name,
/// samples and share (a &lt;title&gt; tooltip, and the line at the bottom); a click zooms into
/// a frame, Reset Zoom (or the root) zooms out, Search highlights frames whose names match a
/// regular expression and says what share of the samples they hold.</summary>
public static class FlameGraphSvg
{
    public const int Width = 1200;
    private const int FrameHeight = 16;
    private const int FontSize = 12;
    private const double FontWidth = 0.59; // of the font size: the average glyph of Verdana
    private const int Padding = 10;
    private const int Top = FontSize * 4 + 4; // title, subtitle
    private const int Bottom = FontSize * 2 + 10;
    private const double MinimumWidth = 0.1; // pixels: narrower frames are left out, as flamegraph.pl does

    /// <summary>The kind of a frame, which decides its colour.</summary>
    public enum FrameKind
    {
        Root,
        Process,
        User,
        Kernel,
    }

    public static void Write(IEnumerable<SampledStack> stacks, TextWriter output, string title, string subtitle = "")
    {
        var root = new Node("all", FrameKind.Root);
        foreach (var stack in stacks)
        {
            if (stack.Count == 0)
                continue;
            var node = root;
            node.Count += stack.Count;
            node = node.Child(stack.Comm.Length > 0 ? stack.Comm : "[unknown]", FrameKind.Process);
            node.Count += stack.Count;
            foreach (var (name, kernel) in stack.FramesFromRoot())
            {
                node = node.Child(name, kernel ? FrameKind.Kernel : FrameKind.User);
                node.Count += stack.Count;
            }
        }

        var total = Math.Max(root.Count, 1);
        var scale = (double)(Width - 2 * Padding) / total;
        var frames = new List<(Node Node, ulong X, int Depth)>();
        Place(root, 0, 0, scale, frames);
        var depth = frames.Count == 0 ? 0 : frames.Max(f => f.Depth) + 1;
        var height = Top + depth * FrameHeight + Bottom;

        var svg = new StringBuilder(256 + frames.Count * 256);
        var c = CultureInfo.InvariantCulture;
        svg.Append(c, $$"""
            <?xml version="1.0" standalone="no"?>
            <svg version="1.1" width="{{Width}}" height="{{height}}" viewBox="0 0 {{Width}} {{height}}" xmlns="http://www.w3.org/2000/svg">
            <style>
            text { font-family: Verdana, sans-serif; font-size: {{FontSize}}px; fill: #000; }
            .f { cursor: pointer; }
            .f:hover rect { stroke: #000; stroke-width: 0.5; }
            .hidden { display: none; }
            .parent { opacity: 0.5; }
            #title { font-size: 17px; }
            #reset, #search { cursor: pointer; }
            </style>
            <defs><linearGradient id="background" y1="0" y2="1" x1="0" x2="0"><stop stop-color="#eeeeee" offset="5%"/><stop stop-color="#eeeeb0" offset="95%"/></linearGradient></defs>
            <rect x="0" y="0" width="{{Width}}" height="{{height}}" fill="url(#background)"/>
            <text id="title" x="{{Width / 2}}" y="{{FontSize * 2}}" text-anchor="middle">{{Escape(title)}}</text>
            <text id="subtitle" x="{{Width / 2}}" y="{{FontSize * 2 + 16}}" text-anchor="middle">{{Escape(subtitle)}}</text>
            <text id="details" x="{{Padding}}" y="{{height - FontSize / 2 - 4}}"> </text>
            <text id="reset" x="{{Padding}}" y="{{FontSize * 2}}" class="hidden">Reset Zoom</text>
            <text id="search" x="{{Width - Padding}}" y="{{FontSize * 2}}" text-anchor="end">Search</text>
            <text id="matched" x="{{Width - Padding}}" y="{{height - FontSize / 2 - 4}}" text-anchor="end"> </text>
            <g id="frames">

            """);
        foreach (var (node, x, level) in frames)
        {
            var left = Padding + x * scale;
            var width = node.Count * scale;
            var y = height - Bottom - (level + 1) * FrameHeight;
            var percent = 100.0 * node.Count / total;
            var name = Escape(node.Name);
            svg.Append(c, $"""<g class="f" data-x="{x}" data-w="{node.Count}" data-d="{level}" data-n="{name}"><title>{name} ({node.Count} samples, {percent:0.00}%)</title>""");
            svg.Append(c, $"""<rect x="{left:0.##}" y="{y}" width="{width:0.##}" height="{FrameHeight - 1}" fill="{Colour(node.Name, node.Kind)}" rx="2" ry="2"/>""");
            svg.Append(c, $"""<text x="{left + 3:0.##}" y="{y + FrameHeight - 4}">{Escape(Label(node.Name, width))}</text></g>""");
            svg.Append('\n');
        }
        svg.Append("</g>\n<script type=\"text/ecmascript\"><![CDATA[\n");
        svg.Append(c, $"var total = {total}, width = {Width - 2 * Padding}, left = {Padding}, fontWidth = {FontSize * FontWidth:0.###};\n");
        svg.Append(Script);
        svg.Append("]]></script>\n</svg>\n");
        output.Write(svg);
    }

    /// <summary>The frames in drawing order, each with its offset (in samples) and depth;
    /// children in name order, left to right, as flamegraph.pl lays them out.</summary>
    private static void Place(Node node, ulong x, int depth, double scale, List<(Node, ulong, int)> frames)
    {
        if (node.Count * scale < MinimumWidth)
            return;
        frames.Add((node, x, depth));
        foreach (var child in node.Children.Values.OrderBy(static n => n.Name, StringComparer.Ordinal).ThenBy(static n => n.Kind))
        {
            Place(child, x, depth + 1, scale, frames);
            x += child.Count;
        }
    }

    /// <summary>The name cut to what fits in the frame ("..": cut), nothing when not even 3 characters do.</summary>
    internal static string Label(string name, double width)
    {
        var fits = (int)((width - 3) / (FontSize * FontWidth));
        if (fits < 3)
            return "";
        return name.Length <= fits ? name : name[..(fits - 2)] + "..";
    }

    /// <summary>A colour that depends only on the name (the same function looks the same in
    /// every graph), in a palette per kind: warm for user code, orange for the kernel, aqua
    /// for processes.</summary>
    private static string Colour(string name, FrameKind kind)
    {
        // FNV-1a: stable across runs, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var ch in name)
            hash = (hash ^ ch) * 16777619u;
        double V(int shift) => ((hash >> shift) & 0xff) / 255.0;
        var (r, g, b) = kind switch
        {
            FrameKind.Root => (200, 200, 200),
            FrameKind.Process => ((int)(50 + 60 * V(0)), (int)(165 + 55 * V(8)), (int)(165 + 55 * V(8))),
            FrameKind.Kernel => ((int)(200 + 55 * V(0)), (int)(110 + 60 * V(8)), (int)(20 * V(16))),
            _ => ((int)(205 + 50 * V(0)), (int)(230 * V(8)), (int)(55 * V(16))),
        };
        return string.Create(CultureInfo.InvariantCulture, $"rgb({r},{g},{b})");
    }

    /// <summary>Text for XML content and attributes; characters XML 1.0 cannot hold become '?'.</summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            escaped.Append(ch switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                _ when ch < 0x20 || ch is '\uFFFE' or '\uFFFF' || char.IsSurrogate(ch) => "?",
                _ => ch.ToString(),
            });
        }
        return escaped.ToString();
    }

    private sealed class Node(string name, FrameKind kind)
    {
        public string Name { get; } = name;

        public FrameKind Kind { get; } = kind;

        public ulong Count { get; set; }

        public Dictionary<(string, FrameKind), Node> Children { get; } = [];

        public Node Child(string name, FrameKind kind)
        {
            if (!Children.TryGetValue((name, kind), out var child))
                Children[(name, kind)] = child = new Node(name, kind);
            return child;
        }
    }

    /// <summary>Hover, zoom and search, in plain ECMAScript 5 (any viewer that runs SVG scripts).</summary>
    private const string Script = """
        var frames = [], details, matched, reset, zoomed = null, searchPattern = null;
        function attr(e, n) { return e.getAttribute(n); }
        function fit(name, w) {
          var n = Math.floor((w - 3) / fontWidth);
          if (n < 3) return "";
          return name.length <= n ? name : name.substring(0, n - 2) + "..";
        }
        function describe(f) {
          return f.name + " (" + f.w + " samples, " + (100 * f.w / total).toFixed(2) + "%)";
        }
        function show(f, x, w) {
          if (w < 0.1) { f.g.classList.add("hidden"); return; }
          f.g.classList.remove("hidden");
          f.rect.setAttribute("x", x.toFixed(2));
          f.rect.setAttribute("width", w.toFixed(2));
          f.text.setAttribute("x", (x + 3).toFixed(2));
          f.text.textContent = fit(f.name, w);
        }
        function zoom(z) {
          zoomed = z;
          reset.classList.remove("hidden");
          for (var i = 0; i < frames.length; i++) {
            var f = frames[i];
            f.g.classList.remove("parent");
            if (f.d < z.d) {
              if (f.x <= z.x && f.x + f.w >= z.x + z.w) { show(f, left, width); f.g.classList.add("parent"); }
              else f.g.classList.add("hidden");
            } else if (f.x >= z.x && f.x + f.w <= z.x + z.w) {
              show(f, left + (f.x - z.x) / z.w * width, f.w / z.w * width);
            } else {
              f.g.classList.add("hidden");
            }
          }
        }
        function unzoom() {
          zoomed = null;
          reset.classList.add("hidden");
          for (var i = 0; i < frames.length; i++) {
            frames[i].g.classList.remove("parent");
            show(frames[i], left + frames[i].x / total * width, frames[i].w / total * width);
          }
        }
        function search() {
          var text = prompt("Search for (a regular expression):", searchPattern || "");
          if (text === null) return;
          searchPattern = text.length ? text : null;
          var re = searchPattern ? new RegExp(searchPattern) : null, spans = [];
          for (var i = 0; i < frames.length; i++) {
            var f = frames[i], hit = re !== null && re.test(f.name);
            f.rect.setAttribute("fill", hit ? "rgb(230,0,230)" : f.fill);
            if (hit) spans.push([f.x, f.x + f.w]);
          }
          // Nested matches count once: merge the sample ranges.
          spans.sort(function (a, b) { return a[0] - b[0]; });
          var sum = 0, end = -1;
          for (var j = 0; j < spans.length; j++) {
            if (spans[j][0] >= end) { sum += spans[j][1] - spans[j][0]; end = spans[j][1]; }
            else if (spans[j][1] > end) { sum += spans[j][1] - end; end = spans[j][1]; }
          }
          matched.textContent = re ? "Matched: " + (100 * sum / total).toFixed(2) + "%" : " ";
        }
        (function () {
          details = document.getElementById("details");
          matched = document.getElementById("matched");
          reset = document.getElementById("reset");
          var gs = document.getElementById("frames").getElementsByTagName("g");
          for (var i = 0; i < gs.length; i++) {
            var g = gs[i], f = { g: g, x: +attr(g, "data-x"), w: +attr(g, "data-w"), d: +attr(g, "data-d"), name: attr(g, "data-n"),
              rect: g.getElementsByTagName("rect")[0], text: g.getElementsByTagName("text")[0] };
            f.fill = attr(f.rect, "fill");
            frames.push(f);
            (function (f) {
              g.addEventListener("mouseover", function () { details.textContent = "Function: " + describe(f); });
              g.addEventListener("mouseout", function () { details.textContent = " "; });
              g.addEventListener("click", function () { if (f.d === 0) unzoom(); else zoom(f); });
            })(f);
          }
          reset.addEventListener("click", unzoom);
          document.getElementById("search").addEventListener("click", search);
        })();

        """;
}
