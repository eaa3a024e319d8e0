"""Records retention (保存期間) for Kiroku.

``retention`` will own retention schedules as data (classes, start-date rules, expiry),
files (簿冊) and the file register (ファイル管理簿), holds that extend retention,
disposition (廃棄決定, 移管) with tombstones, and the object locks that keep records from
being deleted early. It builds on ``dms`` documents; ``dms`` never imports it.
"""
