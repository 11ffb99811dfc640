/* leaflet-playback.js: plays the incidents of a map through their days in the browser, a window of one day or a
 * week sliding a day a step, at a chosen number of days a second, with a slider to pick a day. Written for
 * this project (no third-party code). The page hands it the days and a function that shows a window:
 *
 *   var playback = L.control.playback({position: 'topleft'}).addTo(map);
 *   playback.setDays(['2020-09-27', ...], function (first, last) { ... show incidents of [first, last] ... },
 *                    function () { ... show them all ... });
 *
 * The data never leaves the page: a step only moves markers between layers, so the map is never redrawn.
 */
(function () {
    var SPEEDS = [1, 2, 4, 8];
    var WINDOWS = {day: 1, week: 7};

    function el(tag, cls, parent, text) {
        var e = L.DomUtil.create(tag, cls, parent);
        if (text !== undefined) e.textContent = text;
        return e;
    }

    L.Control.Playback = L.Control.extend({
        options: {position: 'topleft', speed: 4, window: 'day'},

        initialize: function (options) {
            L.setOptions(this, options);
            this._days = [];
            this._pos = -1;
            this._timer = null;
            this._speed = this.options.speed;
            this._window = this.options.window;
        },

        onAdd: function () {
            var c = el('div', 'leaflet-bar playback');
            var row = el('div', 'playback-row', c);
            this._button = el('button', 'playback-play', row, '\u25b6');
            this._button.type = 'button';
            this._button.title = 'Play the incidents day by day';
            this._day = el('span', 'playback-day', row, 'All days');
            this._all = el('button', 'playback-all', row, 'All');
            this._all.type = 'button';
            this._all.title = 'Show every day of the range';
            var opts = el('div', 'playback-row', c);
            this._windowSel = el('select', 'playback-window', opts);
            this._windowSel.title = 'Window shown at each step';
            Object.keys(WINDOWS).forEach(function (k) {
                el('option', '', this._windowSel, k === 'day' ? 'one day' : 'one week').value = k;
            }, this);
            this._windowSel.value = this._window;
            this._speedSel = el('select', 'playback-speed', opts);
            this._speedSel.title = 'Days a second';
            SPEEDS.forEach(function (s) { el('option', '', this._speedSel, s + ' days/s').value = String(s); }, this);
            this._speedSel.value = String(this._speed);
            this._range = el('input', 'playback-range', c);
            this._range.type = 'range';
            this._range.min = 0;
            this._range.step = 1;
            this._range.title = 'Pick a day';
            L.DomEvent.disableClickPropagation(c);
            L.DomEvent.disableScrollPropagation(c);
            L.DomEvent.on(this._button, 'click', this._toggle, this);
            L.DomEvent.on(this._all, 'click', this.showAll, this);
            L.DomEvent.on(this._windowSel, 'change', function () {
                this._window = this._windowSel.value;
                if (this._pos >= 0) this._show(this._pos);
            }, this);
            L.DomEvent.on(this._speedSel, 'change', function () {
                this._speed = parseInt(this._speedSel.value, 10);
                if (this._timer) { this._stop(); this._start(); }
            }, this);
            L.DomEvent.on(this._range, 'input', function () {
                this._stop();
                this._show(parseInt(this._range.value, 10));
            }, this);
            this._container = c;
            this._refresh();
            return c;
        },

        onRemove: function () { this._stop(); },

        /* New days (sorted ISO dates) and the functions that show a window of them or every one. The day shown
         * stays when it is still in the range, and so does playing. */
        setDays: function (days, showWindow, showAll, note) {
            var day = this._pos >= 0 ? this._days[this._pos] : null;
            this._days = days || [];
            this._showWindow = showWindow;
            this._showAll = showAll;
            this._note = note || '';
            this._pos = day ? this._days.indexOf(day) : -1;
            if (!this._days.length || this._note) this._stop();
            if (this._pos >= 0) this._show(this._pos); else if (this._timer) this._show(0);
            this._refresh();
        },

        showAll: function () {
            this._stop();
            this._pos = -1;
            if (this._showAll) this._showAll();
            this._refresh();
        },

        _toggle: function () {
            if (this._timer) { this._stop(); this._refresh(); return; }
            if (!this._days.length || this._note) return;
            if (this._pos < 0 || this._pos >= this._days.length - 1) this._show(0);
            this._start();
            this._refresh();
        },

        _start: function () {
            var self = this;
            this._timer = setInterval(function () {
                if (self._pos >= self._days.length - 1) { self._stop(); self._refresh(); return; }
                self._show(self._pos + 1);
            }, 1000 / this._speed);
        },

        _stop: function () {
            if (this._timer) clearInterval(this._timer);
            this._timer = null;
        },

        _show: function (pos) {
            this._pos = Math.max(0, Math.min(pos, this._days.length - 1));
            var first = this._days[Math.max(0, this._pos - WINDOWS[this._window] + 1)], last = this._days[this._pos];
            if (this._showWindow) this._showWindow(first, last);
            this._refresh();
        },

        _refresh: function () {
            if (!this._container) return;
            var playing = !!this._timer, pos = this._pos;
            this._button.textContent = playing ? '\u275a\u275a' : '\u25b6';
            this._button.title = playing ? 'Pause' : (this._note || 'Play the incidents day by day');
            this._button.disabled = !this._days.length || !!this._note;
            this._range.max = Math.max(0, this._days.length - 1);
            this._range.disabled = this._button.disabled;
            if (pos >= 0) {
                var first = this._days[Math.max(0, pos - WINDOWS[this._window] + 1)], last = this._days[pos];
                this._range.value = pos;
                this._day.textContent = first === last ? last : first + ' \u2013 ' + last;
                this._day.setAttribute('data-day', last);
            } else {
                this._range.value = 0;
                this._day.textContent = this._note || 'All days';
                this._day.removeAttribute('data-day');
            }
            L.DomUtil[playing ? 'addClass' : 'removeClass'](this._container, 'playing');
        }
    });

    L.control.playback = function (options) { return new L.Control.Playback(options); };
})();
