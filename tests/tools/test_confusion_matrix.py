"""tools/analysis/confusion_matrix.py: mmaction2's tool, runnable here."""
import os
import os.path as osp
import pickle

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'tools/analysis/confusion_matrix.py'
CFG = osp.join(REPO, 'configs', 'toy',
               'imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')


def test_matrix_and_picture_from_a_dump(tmp_path, run_script):
    # what tools/test.py --dump writes: one dict per clip
    gt = [0, 0, 1, 1, 2, 2]
    pred = [0, 1, 1, 1, 2, 0]
    dump = [dict(gt_label=torch.tensor([g]),
                 pred_score=torch.nn.functional.one_hot(
                     torch.tensor(p), 3).float()) for g, p in zip(gt, pred)]
    with open(tmp_path / 'preds.pkl', 'wb') as f:
        pickle.dump(dump, f)
    (tmp_path / 'classes.txt').write_text('a\nb\nc\n')
    code, _, err = run_script(
        TOOL, CFG, tmp_path / 'preds.pkl', '--label-file',
        tmp_path / 'classes.txt', '--include-values', '--out',
        tmp_path / 'cm.pkl', '--show-path', tmp_path / 'cm.png')
    assert code == 0, err
    with open(tmp_path / 'cm.pkl', 'rb') as f:
        cm = pickle.load(f)
    assert torch.equal(torch.as_tensor(cm),
                       torch.tensor([[1, 1, 0], [0, 2, 0], [1, 0, 1]]))
    assert (tmp_path / 'cm.png').stat().st_size > 1000


class Payload:
    """Unpickling it runs code: it creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def test_crafted_results_file_is_refused(tmp_path, run_script):
    marker = tmp_path / 'ran'
    with open(tmp_path / 'evil.pkl', 'wb') as f:
        pickle.dump([dict(gt_label=torch.tensor([0]),
                          pred_score=Payload(marker))], f)
    code, _, err = run_script(TOOL, CFG, tmp_path / 'evil.pkl')
    assert code == 1, err
    assert 'evil.pkl: refusing to load posix.system' in err
    assert 'Traceback' not in err
    assert not marker.exists()
